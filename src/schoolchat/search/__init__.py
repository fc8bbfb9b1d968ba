"""Search within one conversation and across all of the caller's conversations (§5.3)."""
