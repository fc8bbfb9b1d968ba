"""Moderation: moderator deletes, participant removal, abuse reports with frozen evidence, and the audit log."""
