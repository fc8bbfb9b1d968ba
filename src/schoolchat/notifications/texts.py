"""Every sentence a notification shows (email subject and body, push, the unsubscribe page), from the catalog in
the recipient's language. Emails name who wrote and where, never what, unless the school switched message text
on."""

from __future__ import annotations

from schoolchat.i18n.catalog import plural_text, text

PUSH_TITLE = "schoolchat"  # the product's name, the same in every language


def unsubscribed() -> str:
    return text("notifications.unsubscribed")


def unsubscribe_confirm() -> str:
    return text("notifications.unsubscribe_confirm")


def unsubscribe_button() -> str:
    return text("notifications.unsubscribe_button")


def unsubscribe_invalid() -> str:
    return text("notifications.unsubscribe_invalid")


def email_footer() -> str:
    return text("notifications.email_footer")


def email_unsubscribe_line() -> str:
    return text("notifications.email_unsubscribe_line")


def email_settings_line() -> str:
    return text("notifications.email_settings_line")


def ui_texts() -> dict[str, str]:
    """The notification settings' labels and the mute action's sentences, for the browser (GET
    /api/me/notifications), in the reader's language."""
    return {
        "title": text("notifications.ui.title"),
        "email_label": text("notifications.ui.email_label"),
        "email_school_default": text("notifications.ui.email_school_default"),
        "email_off": text("notifications.ui.email_off"),
        "email_soon": text("notifications.ui.email_soon"),
        "email_hourly": text("notifications.ui.email_hourly"),
        "email_daily": text("notifications.ui.email_daily"),
        "saved": text("notifications.ui.saved"),
        "no_email_address": text("notifications.ui.no_email_address"),
        "push_label": text("notifications.ui.push_label"),
        "push_on": text("notifications.ui.push_on"),
        "push_off": text("notifications.ui.push_off"),
        "push_is_on": text("notifications.ui.push_is_on"),
        "push_is_off": text("notifications.ui.push_is_off"),
        "push_turned_on": text("notifications.ui.push_turned_on"),
        "push_turned_off": text("notifications.ui.push_turned_off"),
        "push_denied": text("notifications.ui.push_denied"),
        "push_unsupported": text("notifications.ui.push_unsupported"),
        "push_unavailable": text("notifications.ui.push_unavailable"),
        "mute": text("notifications.ui.mute"),
        "unmute": text("notifications.ui.unmute"),
        "muted": text("notifications.ui.muted"),
        "muted_done": text("notifications.ui.muted_done"),
        "unmuted_done": text("notifications.ui.unmuted_done"),
        "school_title": text("notifications.ui.school_title"),
        "school_intro": text("notifications.ui.school_intro"),
        "school_default": text("notifications.ui.school_default"),
        "school_include_text": text("notifications.ui.school_include_text"),
        "school_quiet_start": text("notifications.ui.school_quiet_start"),
        "school_quiet_end": text("notifications.ui.school_quiet_end"),
        "school_quiet_weekends": text("notifications.ui.school_quiet_weekends"),
        "school_quiet_help": text("notifications.ui.school_quiet_help"),
        "school_save": text("notifications.ui.school_save"),
        "school_saved": text("notifications.ui.school_saved"),
    }


def subject(unread: int, conversations: int) -> str:
    if conversations == 1:
        return plural_text("notifications.subject.one_conversation", unread)
    return plural_text("notifications.subject.conversations", conversations, unread=unread)


def conversation_line(senders: list[str], conversation: str, unread: int) -> str:
    who = (
        senders[0]
        if len(senders) == 1
        else text("notifications.and", first=", ".join(senders[:-1]), last=senders[-1])
    )
    return plural_text("notifications.conversation_line", unread, who=who, conversation=conversation)


def push_body(sender: str, conversation: str, unread: int) -> str:
    return plural_text("notifications.push_body", unread, sender=sender, conversation=conversation)


def greeting(name: str) -> str:
    return text("notifications.greeting", name=name)


def alert_subject() -> str:
    """A self-harm concern, to the school's safeguarding lead: never the pupil's name or words, only where to look."""
    return text("notifications.alert_subject")


def alert_line() -> str:
    return text("notifications.alert_line")
