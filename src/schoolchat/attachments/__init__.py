"""File attachments (§5.2, §6.2, §7.2): upload checks, storage, linking files to messages, downloads."""
