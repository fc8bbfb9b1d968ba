"""What search may find (§5.3): "The following cannot be searched: emojis, weekly course updates, mass message
conversations". Emojis are not words (``search.text``); the rest is decided here, once, for indexing and querying.
"""

from __future__ import annotations

from schoolchat.kinds import ConversationKind

# Mass messages are one-way broadcasts (§6.5); the reference keeps their conversations out of search.
UNSEARCHABLE_KINDS = frozenset({ConversationKind.MASS})


def is_searchable(conversation_kind: ConversationKind, *, system_notice: bool) -> bool:
    """Whether a message belongs in the search index: not a system notice (weekly course updates and the like),
    and not in a kind of conversation search leaves out."""
    return not system_notice and searchable_kind(conversation_kind)


def searchable_kind(conversation_kind: ConversationKind) -> bool:
    """Whether a conversation is searched at all (a search within one of another kind finds nothing)."""
    return conversation_kind not in UNSEARCHABLE_KINDS
