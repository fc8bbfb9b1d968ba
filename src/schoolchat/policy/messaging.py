"""Whether a message may be sent into a conversation, and what §6.4 feedback a send carries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationKind, ConversationStatus
from schoolchat.policy import texts
from schoolchat.policy.decision import ALLOWED, Decision, Denied
from schoolchat.policy.massmessaging import may_reply_to_mass


@dataclass(frozen=True, slots=True)
class SendFacts:
    kind: ConversationKind
    status: ConversationStatus
    sender_is_active_member: bool
    sender_is_creator: bool
    # For a 1:1: the other person's name when their messaging is disabled.
    disabled_direct_partner: str | None = None
    # For a course or project conversation: messaging is switched off for the course or project.
    space_disabled: bool = False


def may_use_messaging(sender_disabled: bool) -> Decision:
    """§6.4: a disabled user neither sends nor receives. Decided once, at the door of every messaging route
    (``auth.deps.MessagingActor``): the actions behind those routes, and ``may_send``, take an actor who passed it."""
    if sender_disabled:
        return Denied("messaging_disabled", texts.sender_messaging_disabled(), 403)
    return ALLOWED


def may_send(facts: SendFacts) -> Decision:
    if not facts.sender_is_active_member:
        return Denied("not_a_participant", text("policy.no_longer_participant"), 403)
    if facts.status == "deleted":
        return Denied("conversation_deleted", texts.conversation_deleted(), 409)
    if facts.status == "closed":
        return Denied("conversation_closed", texts.conversation_closed(), 409)
    if facts.space_disabled:
        return space_messaging_disabled(facts.kind)
    if facts.kind == "mass":
        return may_reply_to_mass()
    if facts.kind == "individual" and not facts.sender_is_creator:
        return Denied("read_only", texts.individual_read_only_for_recipients(), 403)
    if facts.disabled_direct_partner is not None:
        return Denied(
            "recipient_messaging_disabled", texts.cannot_deliver(facts.disabled_direct_partner), 403
        )
    return ALLOWED


def space_messaging_disabled(kind: ConversationKind) -> Denied:
    return Denied("space_messaging_disabled", texts.space_messaging_disabled(kind), 403)


@dataclass(frozen=True, slots=True)
class Feedback:
    """§6.4: one recipient who cannot take part, and why, in the reference's words."""

    user_id: int
    code: str  # cannot_deliver | cannot_participate | cannot_receive
    message: str


def send_feedback(kind: ConversationKind, disabled: Iterable[tuple[int, str]]) -> list[Feedback]:
    """§6.4's feedback on members or recipients (id, name) whose messaging is off: individual messages cannot be
    delivered to them, a group goes on without them, a course or project conversation does not reach them. A
    1:1 gives none (the send itself is refused)."""
    if kind == "group":
        return [
            Feedback(user_id, "cannot_participate", texts.cannot_participate(name))
            for user_id, name in disabled
        ]
    if kind in ("course", "project"):
        return [Feedback(user_id, "cannot_receive", texts.cannot_receive(name)) for user_id, name in disabled]
    if kind == "individual":
        return [Feedback(user_id, "cannot_deliver", texts.cannot_deliver(name)) for user_id, name in disabled]
    return []
