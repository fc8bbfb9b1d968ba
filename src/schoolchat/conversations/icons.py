"""The icon a conversation list entry shows for its type (§3.2: "Icon or avatar indicating the conversation
type"); mass messages get their own, the distinctive avatar of §6.5. Clients map these names to images."""

from __future__ import annotations

ICONS = {
    "direct": "person",
    "group": "people",
    "course": "course",
    "project": "project",
    "individual": "people-outgoing",
    "mass": "megaphone",
}


def icon_for(kind: str) -> str:
    return ICONS[kind]
