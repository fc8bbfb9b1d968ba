"""OneRoster 1.1 CSV import: read and validate a roster folder, then write it in batches through ``administration.actions``."""
