"""People, the directory: users, roles per school, the org hierarchy, courses and projects with their
participants, as conversations and sign-in read them. Writing them is ``schoolchat.administration``."""
