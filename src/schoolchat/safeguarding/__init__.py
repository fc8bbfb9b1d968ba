"""The safeguarding lead of a school: designation, the report history of a pupil, and self-harm alerts."""
