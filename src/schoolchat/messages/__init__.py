"""Messages: send, edit, delete, forward, rendering, and unread cursors."""
