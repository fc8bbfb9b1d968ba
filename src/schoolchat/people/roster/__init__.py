"""OneRoster 1.1 CSV import: read and validate a roster folder, then apply it in one transaction."""
