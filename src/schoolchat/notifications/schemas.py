"""API shapes for notification preferences, school settings and push subscriptions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from schoolchat.answers import Answer
from schoolchat.inputs import Body
from schoolchat.policy.notifications import EmailMode

CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class PreferencesIn(Body):
    email: EmailMode | None = Field(description="Your choice, or null to follow your school's default.")


class PreferencesOut(BaseModel):
    email: EmailMode = Field(description="What applies to you now.")
    own: EmailMode | None = Field(description="Your own choice; null: the school's default applies.")
    school_default: EmailMode
    has_email_address: bool
    push_available: bool = Field(description="The server has VAPID keys: browsers may subscribe.")
    vapid_public_key: str | None = Field(description="For PushManager.subscribe's applicationServerKey.")
    texts: dict[str, str] = Field(description="The settings' labels, for the browser.")


class SchoolSettingsIn(Body):
    email_default: EmailMode = "soon"
    include_text: bool = Field(
        False, description="Put the newest unread message's text in emails and pushes."
    )
    quiet_start: str | None = Field(
        default=None,
        pattern=CLOCK,
        description="When quiet hours begin, e.g. 21:00, on the school's clock (the org's time_zone).",
    )
    quiet_end: str | None = Field(default=None, pattern=CLOCK, description="When they end, e.g. 07:00.")
    quiet_weekends: bool = Field(False, description="Saturdays and Sundays are quiet all day.")


class SchoolSettingsOut(SchoolSettingsIn, Answer):
    org_id: int
    inherited_from: int | None = Field(
        description="The org whose settings apply (this one, one above, or none)."
    )


class PushKeys(Body):
    p256dh: str = Field(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_\-=]+$")
    auth: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_\-=]+$")


class PushSubscriptionIn(Body):
    """What ``PushSubscription.toJSON()`` gives in the browser."""

    endpoint: str = Field(max_length=2000, pattern=r"^https?://")
    expirationTime: float | None = Field(
        default=None,
        ge=0,
        description="when the browser says the subscription ends "
        "(milliseconds since 1970), if ever; not used",
    )
    keys: PushKeys


class PushSubscriptionOut(BaseModel):
    id: int
    endpoint: str


class PushUnsubscribeIn(Body):
    endpoint: str = Field(max_length=2000)
