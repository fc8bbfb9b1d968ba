"""Who may see who has read a message ("Read by 23 of 28").

Only the message's own sender, and only where reading is part of the job: a mass message's sender, and a
teacher of the course in its course conversation. Students never see others' read state, not even on their own
messages, and nobody sees it in 1:1, group or project conversations.
"""

from __future__ import annotations

from schoolchat.policy.decision import ALLOWED, Decision, Denied

COUNTED_KINDS = ("mass", "course")  # the only kinds where anyone sees read counts
READS_HIDDEN = Denied("reads_not_available", "Read receipts are shown only to the sender of a mass message and "
                                             "to teachers on their own messages in a course conversation.", 403)


def may_see_reads(*, kind: str, is_sender: bool, space_role: str | None) -> Decision:
    if not is_sender:
        return READS_HIDDEN
    if kind == "mass" or (kind == "course" and space_role == "teacher"):  # COUNTED_KINDS
        return ALLOWED
    return READS_HIDDEN
