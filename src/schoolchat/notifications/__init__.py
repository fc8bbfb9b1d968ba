"""Notifications (issue 13): email and Web Push for people who are not looking, held during quiet hours."""
