"""Who may see who has read a message ("Read by 23 of 28").

Only the message's own sender, and only where reading is part of the job: a mass message's sender, and a
teacher of the course in its course conversation. Students never see others' read state, not even on their own
messages, and nobody sees it in 1:1, group or project conversations.
"""

from __future__ import annotations

from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationKind, SpaceRole
from schoolchat.policy.decision import ALLOWED, Decision, Denied

COUNTED_KINDS = ("mass", "course")  # the only kinds where anyone sees read counts


def _reads_hidden() -> Denied:
    return Denied("reads_not_available", text("policy.reads_not_available"), 403)


def may_see_reads(*, kind: ConversationKind, is_sender: bool, space_role: SpaceRole | None) -> Decision:
    if not is_sender:
        return _reads_hidden()
    if kind == "mass" or (kind == "course" and space_role == "teacher"):  # COUNTED_KINDS
        return ALLOWED
    return _reads_hidden()
