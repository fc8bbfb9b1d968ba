"""What one member may do in a conversation, as the settings and message menus offer it.

Each answer is the decision the server makes when the action is asked for (the policy function named beside
it), taken with the facts known before anyone picks a message or a person: the UI offers exactly these, and the
server, deciding again with the full facts, still has the last word.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolchat.kinds import ConversationKind, ConversationStatus, SpaceRole
from schoolchat.policy.conversations import may_add_participants, may_close, may_leave, may_rename
from schoolchat.policy.decision import Allowed, Decision
from schoolchat.policy.messages import may_edit
from schoolchat.policy.messaging import SendFacts, may_send
from schoolchat.policy.moderation import (
    DeleteFacts,
    ModeratorFacts,
    may_delete_conversation,
    may_moderator_delete,
    may_remove_participant,
    may_report_conversation,
)
from schoolchat.policy.reads import may_see_reads


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """A conversation and the caller's standing in it (an active member, or they would not see it)."""

    kind: ConversationKind
    status: ConversationStatus
    space_disabled: bool  # messaging switched off for its course or project
    is_creator: bool
    staff_here: bool  # ``conversations.queries.is_staff_in``
    formal: bool  # False: present through a report they opened
    space_role: SpaceRole | None  # the caller's role in its course or project


@dataclass(frozen=True, slots=True)
class Offers:
    send: bool  # write (or forward) a message here: ``may_send``
    edit_own: bool  # edit one's own messages: ``may_edit``
    moderate: bool  # delete others' messages (§5.5): ``may_moderator_delete``
    see_reads: bool  # "Read by X of Y" on one's own messages: ``may_see_reads``
    rename: bool  # ``may_rename``
    add_participants: bool  # ``may_add_participants``
    remove_participants: bool  # formal participants other than oneself (§5.6): ``may_remove_participant``
    leave: bool  # ``may_leave``
    close: bool  # close or reopen (§5.7): ``may_close``, and not once deleted
    delete: bool  # §5.7: ``may_delete_conversation``
    report: bool  # report the whole conversation: ``may_report_conversation``


def _yes(decision: Decision) -> bool:
    return isinstance(decision, Allowed)


def offers(facts: MemberFacts) -> Offers:
    moderator = ModeratorFacts(staff_here=facts.staff_here, via_report=not facts.formal)
    return Offers(
        send=_yes(
            may_send(
                SendFacts(
                    kind=facts.kind,
                    status=facts.status,
                    sender_is_active_member=True,
                    sender_is_creator=facts.is_creator,
                    space_disabled=facts.space_disabled,
                )
            )
        ),
        edit_own=_yes(may_edit(is_author=True, deleted=False, conversation_status=facts.status)),
        moderate=_yes(
            may_moderator_delete(
                moderator,
                DeleteFacts(deleted=False, author_name="", held_as_evidence=False),
                moderator_name="",
                confirmed=True,
            )
        ),
        see_reads=_yes(may_see_reads(kind=facts.kind, is_sender=True, space_role=facts.space_role)),
        rename=_yes(may_rename(facts.kind)),
        add_participants=_yes(may_add_participants(facts.kind, facts.status)),
        remove_participants=_yes(
            may_remove_participant(moderator, kind=facts.kind, target_formal=True, target_is_self=False)
        ),
        leave=_yes(may_leave(facts.kind)),
        close=facts.status != "deleted"
        and _yes(may_close(facts.kind, is_staff_here=facts.staff_here, is_creator=facts.is_creator)),
        delete=_yes(
            may_delete_conversation(facts.kind, facts.status, staff_here=facts.staff_here, confirmed=True)
        ),
        report=_yes(may_report_conversation(facts.kind)),
    )
