"""schoolchat: real-time messaging for schools and learning platforms."""
