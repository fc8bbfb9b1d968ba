"""The authenticated caller, as every action and query sees them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    username: str
    name: str
    messaging_disabled: bool
    mass_messaging: bool
    roles: dict[int, str] = field(default_factory=dict)  # org id -> role in that org
    avatar_url: str | None = None
    token_id: int | None = None
    via_cookie: bool = False
    language_setting: str | None = None  # the person's own choice of language, if any
    school_language: str | None = None  # their school's default language, if any

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles.values()

    @property
    def is_staff(self) -> bool:
        return any(role in ("teacher", "admin") for role in self.roles.values())
