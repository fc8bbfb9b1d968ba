"""API shapes for people, organisations, courses and projects."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, Field, field_validator, model_validator

from schoolchat import kinds
from schoolchat.i18n.catalog import text
from schoolchat.i18n.languages import Language
from schoolchat.inputs import Body, EnumText, Id, omittable
from schoolchat.policy import communication

SchoolRole = Annotated[kinds.SchoolRole, EnumText]
SpaceRole = Annotated[kinds.SpaceRole, EnumText]
SpaceKind = Annotated[kinds.SpaceKind, EnumText]


class PersonRef(BaseModel):
    """Who did something: an id and the name to show."""

    id: int
    name: str


class PersonOut(BaseModel):
    id: int
    name: str
    title: str
    avatar_url: str | None
    initials: str
    messaging_disabled: bool


class SpaceHit(BaseModel):
    id: int
    kind: SpaceKind
    name: str
    participant_count: int


class RecipientSearchOut(BaseModel):
    people: list[PersonOut]
    courses: list[SpaceHit]
    projects: list[SpaceHit]


class MeOut(BaseModel):
    id: int
    username: str
    name: str
    avatar_url: str | None
    messaging_disabled: bool
    mass_messaging: bool
    roles: dict[int, SchoolRole]
    spaces: dict[int, SpaceRole]
    language: Language = Field(
        description="The language the server speaks to you: your setting, else your "
        "school's default, else your browser's Accept-Language, else en."
    )
    language_setting: Language | None = Field(description="Your own choice (PUT /api/me/language), or null.")
    time_zone: str = Field(description="Your school's time zone (IANA name): its clock for dates and times.")
    may_set_working_hours: bool = Field(
        description="Whether you may say when you usually answer (teachers and "
        "admins): the server's decision, for the settings menu."
    )
    may_review_reports: bool = Field(
        description="Whether you review reports (teachers and admins of a school, course or project): the "
        "server's decision, for the Reports inbox in the menu."
    )
    may_administer: bool = Field(
        description="Whether you use the admin tools (an admin of some org): the server's decision, for the "
        "Administration page in the menu."
    )
    may_send_mass: bool = Field(
        description="Whether you send mass messages (an admin holding the privilege): the server's decision, "
        "for the Mass messages page in the menu."
    )


class LanguageIn(Body):
    language: Language | None = Field(
        description="nb (bokmål), nn (nynorsk) or en; null: follow the school's default, else the browser."
    )


class OrgIn(Body):
    name: str = Field(max_length=1000)
    kind: Literal["school", "department"]
    parent_id: Id


class OrgChanges(Body):
    name: str = omittable(max_length=1000)
    messaging_disabled: bool = omittable(description="§6.4: off for everyone with a role here or below")
    time_zone: str = omittable(
        max_length=64,
        description="IANA name, e.g. Europe/Oslo: the school's clock for working hours (and quiet hours).",
    )
    default_language: Language | None = Field(
        default=None,
        description="The language of people here and below who chose "
        "none (nb, nn or en); null: the parent org's, else their browser's.",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():  # every org has a clock
            raise ValueError(text("people.unknown_time_zone"))
        return value


CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class WorkingHoursIn(Body):
    start: str = Field(pattern=CLOCK_PATTERN, description="HH:MM on the school's clock", examples=["08:00"])
    end: str = Field(
        pattern=CLOCK_PATTERN, description="HH:MM; earlier than start runs over midnight", examples=["16:00"]
    )
    days: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        [1, 2, 3, 4, 5],
        min_length=1,
        max_length=7,
        description="ISO weekdays (Monday = 1) the hours apply to.",
    )

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(day not in range(1, 8) for day in value) or len(set(value)) != len(value):
            raise ValueError(text("people.weekdays"))
        return sorted(value)

    @model_validator(mode="after")
    def _not_empty(self) -> WorkingHoursIn:
        if self.start == self.end:
            raise ValueError(text("people.hours_start_is_end"))
        return self


class WorkingHoursOut(BaseModel):
    working_hours: WorkingHoursIn | None = Field(description="None when not set: no notice is ever shown.")
    time_zone: str = Field(description="The school's time zone the hours are read in.")


class CreatedOut(BaseModel):
    id: int


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class UserIn(Body):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._@\-]+$")
    email: str | None = Field(
        default=None,
        max_length=254,
        pattern=EMAIL_PATTERN,
        description="an identity provider may sign the person in by it once it verified it",
    )
    password: str = Field(min_length=8, max_length=256)
    name: str = Field(max_length=1000)
    title: str = Field("", max_length=1000)
    avatar_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    org_id: Id
    role: SchoolRole


class UserChanges(Body):
    name: str = omittable(max_length=1000)
    title: str | None = Field(default=None, max_length=1000, description="null or empty: no title")
    avatar_url: str | None = Field(
        default=None, max_length=500, pattern=r"^https?://", description="null: no picture"
    )
    email: str | None = Field(
        default=None,
        max_length=254,
        pattern=EMAIL_PATTERN,
        description="Where notification emails go (null: none); an identity provider may "
        "sign the person in by it once it verified it.",
    )
    messaging_disabled: bool = omittable()
    mass_messaging: bool = omittable()
    is_active: bool = omittable()
    password: str = omittable(min_length=8, max_length=256)


class RoleIn(Body):
    role: SchoolRole


class SpaceIn(Body):
    kind: SpaceKind
    name: str = Field(max_length=1000)
    org_id: Id
    description: str = Field("", max_length=5000)


class SpaceChanges(Body):
    name: str = omittable(max_length=1000)
    messaging_disabled: bool = omittable(description="§6.4: the course's conversation refuses messages")
    ends_on: date | None = Field(
        default=None, strict=False, description="The day it ended (null: not ended); retention counts from it"
    )


Scope = Annotated[communication.Scope, EnumText]


class RuleIn(Body):
    sender_role: SchoolRole
    recipient_role: SchoolRole
    scope: Scope


class RulesIn(Body):
    rules: list[RuleIn] = Field(max_length=9)


class RuleOut(RuleIn):
    source: Literal["this org", "inherited", "default"]


class ReachabilityOut(BaseModel):
    allowed: bool
    code: str | None
    message: str
    details: dict[str, object]


class SpaceMemberIn(Body):
    role: SpaceRole


class OrgOut(BaseModel):
    id: int
    name: str
    kind: str
    parent_id: int | None
    time_zone: str
    default_language: Language | None = Field(
        description="Set on this org; null: inherited from above (or none)."
    )
    messaging_disabled: bool = Field(description="§6.4: switched off for everyone with a role here or below")


class AdminPersonOut(BaseModel):
    id: int
    username: str
    email: str | None
    name: str
    title: str
    avatar_url: str | None
    messaging_disabled: bool
    mass_messaging: bool
    is_active: bool
    role: SchoolRole
    may_lead: bool = Field(
        description="Whether the person may be designated this org's safeguarding lead (its staff): the "
        "server's decision, for the list of candidates."
    )


class AdminPeoplePage(BaseModel):
    people: list[AdminPersonOut]
    next_after: int | None


class SpaceOut(BaseModel):
    id: int
    kind: SpaceKind
    name: str
    description: str
    participant_count: int
    messaging_disabled: bool = Field(description="§6.4: the course's conversation refuses messages")
    ends_on: date | None


class SpaceParticipantOut(BaseModel):
    id: int
    name: str
    title: str
    role: SpaceRole
