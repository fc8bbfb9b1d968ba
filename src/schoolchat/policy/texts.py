"""User-visible sentences, in one place so the API, the browser and the tests read the same words; each one comes
from the catalog (schoolchat/locale) in the reader's language."""

from collections.abc import Callable, Mapping

from schoolchat.i18n.catalog import plural_text, text
from schoolchat.kinds import ConversationKind

MAX_RECIPIENTS = 300


def too_many_recipients() -> str:
    return text("policy.too_many_recipients", limit=MAX_RECIPIENTS)


def course_conversation_only() -> str:
    return text("policy.course_conversation_only", limit=MAX_RECIPIENTS)


def no_recipients() -> str:
    return text("policy.no_recipients")


def choose_mode() -> str:
    return text("policy.choose_mode")


def conversation_closed() -> str:
    return text("policy.conversation_closed")


def conversation_deleted() -> str:
    return text("policy.conversation_deleted")


def sender_messaging_disabled() -> str:
    return text("policy.sender_messaging_disabled")


def individual_read_only_for_recipients() -> str:
    return text("policy.individual_read_only_for_recipients")


def own_privileges() -> str:
    return text("policy.own_privileges")


def admins_only() -> str:
    return text("policy.admins_only")


def space_messaging_disabled(kind: ConversationKind) -> str:
    """§6.4: an admin switched messaging off for a whole course or project."""
    return text(
        "policy.space_messaging_disabled.project"
        if kind == ConversationKind.PROJECT
        else "policy.space_messaging_disabled.course"
    )


def sent_to(count: int) -> str:
    return plural_text("policy.sent_to", count)


def cannot_deliver(name: str) -> str:
    """§6.4, 1:1 messages: the message cannot be delivered."""
    return text("policy.cannot_deliver", name=name)


def cannot_participate(name: str) -> str:
    """§6.4, group conversations: the user cannot participate."""
    return text("policy.cannot_participate", name=name)


def cannot_receive(name: str) -> str:
    """§6.4, course conversations: the user cannot receive messages."""
    return text("policy.cannot_receive", name=name)


def removed_by(name: str) -> str:
    """§5.5: the notice every participant sees in place of a moderated message."""
    return text("policy.removed_by", name=name)


def deletion_notice(sender_id: int, deleted_by: int | None, deleted_by_name: str | None) -> str:
    """The text shown in place of a deleted message: its author's own deletion, or a moderator's (§5.5)."""
    if deleted_by is None or deleted_by == sender_id:
        return text("policy.deleted_by_author")
    return removed_by(deleted_by_name or text("policy.a_moderator"))


def kept_as_evidence() -> str:
    return text("policy.kept_as_evidence")


def moderator_delete_confirmation(author: str, moderator: str, *, kept_as_evidence: bool) -> str:
    """§5.5's confirmation step: what the delete does, and — when a report froze the message — that its reviewers
    keep it (the one copy a delete leaves), instead of claiming it is gone."""
    return text(
        "policy.moderator_delete_confirmation.kept"
        if kept_as_evidence
        else "policy.moderator_delete_confirmation.deleted",
        author=author,
        notice=removed_by(moderator),
    )


def usually_answers(name: str, start: str, end: str) -> str:
    """Shown in the composer when writing to a teacher outside their working hours (a notice, not a refusal)."""
    return text("policy.usually_answers", name=name, start=start, end=end)


def read_by(read: int, total: int) -> str:
    """Under a sender's own message in a course conversation or mass message."""
    return plural_text("policy.read_by", total, read=read, total=total)


def roster_import_running() -> str:
    return text("policy.roster_import_running")


def roster_import_interrupted() -> str:
    return text("policy.roster_import_interrupted")


def not_ready(unreachable: list[str]) -> str:
    """/readyz, for the operator: which dependencies the process cannot reach (their names stay as they are)."""
    return text("policy.not_ready", dependencies=", ".join(unreachable))


# Stored as the erased person's name (and in forwards of their messages), so it is one fixed value, not a sentence
# in someone's language; the UI may show its own translation of it.
FORMER_USER = "Former user"  # i18n-exempt: stored, one fixed value (above)


def cannot_erase_self() -> str:
    return text("privacy.cannot_erase_self")


def already_erased() -> str:
    return text("privacy.already_erased")


def erase_confirmation(name: str, messages: int, held_reports: int) -> str:
    """What an admin confirms before erasing a person."""
    kept = f" {plural_text('privacy.erase_confirmation.kept', held_reports)}" if held_reports else ""
    return plural_text("privacy.erase_confirmation", messages, name=name, former_user=FORMER_USER, kept=kept)


_KIND_NAMES: dict[
    str, Callable[[], str]
] = {  # each key written out in its own call: the catalog test reads them
    "course": lambda: text("privacy.retention_kind.course"),
    "project": lambda: text("privacy.retention_kind.project"),
    "direct": lambda: text("privacy.retention_kind.direct"),
    "group": lambda: text("privacy.retention_kind.group"),
    "individual": lambda: text("privacy.retention_kind.individual"),
    "mass": lambda: text("privacy.retention_kind.mass"),
}


def retention_confirmation(org_name: str, counts: Mapping[str, int]) -> str:
    """What an admin confirms before a retention run removes content for good."""
    listed = ", ".join(
        text("privacy.retention_from_kind", count=count, kind=_KIND_NAMES[kind]())
        for kind, count in counts.items()
        if count and kind != "reports"
    )
    messages = sum(count for kind, count in counts.items() if kind != "reports")
    what = plural_text("privacy.retention_messages", messages) + (f" ({listed})" if listed else "")
    return plural_text(
        "privacy.retention_confirmation", counts.get("reports", 0), org=org_name, messages=what
    )
