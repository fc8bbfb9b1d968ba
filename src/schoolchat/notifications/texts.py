"""Every sentence a notification shows (email subject and body, push, the unsubscribe page, settings in the UI),
in one place for the coming translation catalog. Emails name who wrote and where, never what, unless the school
switched message text on."""

from __future__ import annotations

UNSUBSCRIBED = "You will no longer receive email notifications from schoolchat."
UNSUBSCRIBE_CONFIRM = "Stop email notifications from schoolchat?"
UNSUBSCRIBE_BUTTON = "Unsubscribe"
UNSUBSCRIBE_INVALID = "This unsubscribe link is not valid."
EMAIL_FOOTER = "You receive this email because you have unread messages in schoolchat."
EMAIL_UNSUBSCRIBE_LINE = "Stop these emails:"
EMAIL_SETTINGS_LINE = "Change how often you are notified in the messages panel's settings."
PUSH_TITLE = "schoolchat"
# A self-harm concern, to the school's safeguarding lead: never the pupil's name or words, only where to look.
ALERT_SUBJECT = "Safeguarding: a self-harm concern was reported"
ALERT_LINE = "A pupil's report of a self-harm concern is waiting for you in Reports. Please look at it now:"

# Settings in the browser (the messages panel's settings dialog and the ⋯ menu of a conversation).
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
        return f"{unread} unread message{'s' if unread != 1 else ''} in schoolchat"
    return f"{unread} unread messages in {conversations} conversations in schoolchat"


def conversation_line(senders: list[str], conversation: str, unread: int) -> str:
    who = senders[0] if len(senders) == 1 else f"{', '.join(senders[:-1])} and {senders[-1]}"
    return f"{who} wrote in “{conversation}”: {unread} unread"


def push_body(sender: str, conversation: str, unread: int) -> str:
    return f"{sender} in “{conversation}” ({unread} unread)"


def greeting(name: str) -> str:
    return f"Hello {name},"
