"""Mass messages (§6.5): one-way messages from a privileged admin to people down the org hierarchy."""
