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


# Settings in the browser (the messages panel's settings dialog and the ⋯ menu of a conversation): the browser's
# own catalog (i18next) is to take these over, so they stay English here.
UI_TEXTS = {
    "title": "Notification settings",
    "email_label": "Email notifications",
    "email_school_default": "As the school decides",
    "email_off": "Off",
    "email_soon": "Soon after a message arrives",
    "email_hourly": "Hourly digest",
    "email_daily": "Daily digest",
    "saved": "Saved.",
    "no_email_address": "Your account has no email address yet; ask your school's administrator.",
    "push_label": "Push notifications on this device",
    "push_on": "Turn on",
    "push_off": "Turn off",
    "push_is_on": "Push notifications are on for this device.",
    "push_is_off": "Push notifications are off for this device.",
    "push_turned_on": "Push notifications turned on.",
    "push_turned_off": "Push notifications turned off.",
    "push_denied": "Notifications are blocked for this site in the browser.",
    "push_unsupported": "This browser cannot show push notifications.",
    "push_unavailable": "Push notifications are not set up on this server.",
    "mute": "Mute conversation",
    "unmute": "Unmute conversation",
    "muted": "Muted",
    "muted_done": "Conversation muted. It no longer counts in the badge or sends notifications.",
    "unmuted_done": "Conversation unmuted.",
    "school_title": "Notifications",
    "school_intro": "How people of this organisation (and those below it) are notified of unread messages.",
    "school_default": "Email notifications unless a person chooses",
    "school_include_text": "Show message text in emails and push notifications",
    "school_quiet_start": "Quiet hours begin",
    "school_quiet_end": "Quiet hours end",
    "school_quiet_weekends": "Weekends are quiet all day",
    "school_quiet_help": ("During quiet hours students get no notifications; they arrive when quiet hours end. "
                          "The times are read on each school's own clock: its time zone, set above."),
    "school_save": "Save notification settings",
    "school_saved": "Notification settings saved.",
}


def subject(unread: int, conversations: int) -> str:
    if conversations == 1:
        return plural_text("notifications.subject.one_conversation", unread)
    return plural_text("notifications.subject.conversations", conversations, unread=unread)


def conversation_line(senders: list[str], conversation: str, unread: int) -> str:
    who = senders[0] if len(senders) == 1 else text("notifications.and", first=", ".join(senders[:-1]),
                                                    last=senders[-1])
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
