"""People: users, roles per school, the org hierarchy, courses and projects with their participants."""
