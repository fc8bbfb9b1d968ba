"""User-visible sentences, in one place so the API, the browser and the tests read the same words."""

MAX_RECIPIENTS = 300

TOO_MANY_RECIPIENTS = f"You cannot send to more than {MAX_RECIPIENTS} recipients."
COURSE_CONVERSATION_ONLY = (
    f"This course or project has more than {MAX_RECIPIENTS} participants, so individual messages are not "
    "possible. Use the course conversation instead."
)
NO_RECIPIENTS = "Add at least one recipient."
CHOOSE_MODE = "Choose a group conversation or individual messages."
CONVERSATION_CLOSED = "Closed conversation. No new messages can be sent."
CONVERSATION_DELETED = "This conversation was deleted. You can read its history, but not send new messages."
SENDER_MESSAGING_DISABLED = "Messaging has been disabled for your account."
INDIVIDUAL_READ_ONLY_FOR_RECIPIENTS = "Reply in your own conversation with the sender."
OWN_PRIVILEGES = "You cannot change your own roles or privileges. Ask another administrator."
ADMINS_ONLY = "Only administrators can do this."


def space_messaging_disabled(kind: str) -> str:
    """§6.4: an admin switched messaging off for a whole course or project."""
    return f"Messaging is disabled for this {kind}."


def sent_to(count: int) -> str:
    return f"Sent to {count} {'person' if count == 1 else 'people'}"


def cannot_deliver(name: str) -> str:
    """§6.4, 1:1 messages: the message cannot be delivered."""
    return f"Your message cannot be delivered: {name} has messaging disabled."


def cannot_participate(name: str) -> str:
    """§6.4, group conversations: the user cannot participate."""
    return f"{name} has messaging disabled and cannot participate in this conversation."


def cannot_receive(name: str) -> str:
    """§6.4, course conversations: the user cannot receive messages."""
    return f"{name} has messaging disabled and will not receive messages in this conversation."


def removed_by(name: str) -> str:
    """§5.5: the notice every participant sees in place of a moderated message."""
    return f"This message was removed by {name}"


KEPT_AS_EVIDENCE = "Removed from the conversation; kept as evidence for this report."


def moderator_delete_confirmation(author: str, moderator: str, *, kept_as_evidence: bool) -> str:
    """§5.5's confirmation step: what the delete does, and — when a report froze the message — that its reviewers
    keep it (the one copy a delete leaves), instead of claiming it is gone."""
    where = ("The content is removed from the conversation; kept as evidence for this report." if kept_as_evidence
             else "The content is permanently deleted.")
    return f'Delete {author}\'s message for everyone? All participants will see "{removed_by(moderator)}". {where}'


def usually_answers(name: str, start: str, end: str) -> str:
    """Shown in the composer when writing to a teacher outside their working hours (a notice, not a refusal)."""
    return f"{name} usually answers between {start} and {end}"


def read_by(read: int, total: int) -> str:
    """Under a sender's own message in a course conversation or mass message."""
    return f"Read by {read} of {total}"

ROSTER_IMPORT_RUNNING = "A roster import is already running for this organisation. Wait until it has finished."
ROSTER_IMPORT_INTERRUPTED = ("The import stopped when the service did. Upload the roster again: what was already "
                             "imported is matched, not repeated.")


def not_ready(unreachable: list[str]) -> str:
    """/readyz, for the operator: which dependencies the process cannot reach."""
    return f"The service cannot reach its {' and '.join(unreachable)}."
