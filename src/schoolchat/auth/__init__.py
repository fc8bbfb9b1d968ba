"""Authentication: passwords, session cookies, bearer tokens and CSRF."""
