"""Calls the mass message tests share, and others that need a mass message: an admin holding the privilege."""

from __future__ import annotations

import httpx

from tests.factories import Factory, Person


async def privileged_admin(
    client: httpx.AsyncClient, make: Factory, school: int | None = None, name: str = "Ada Admin"
) -> Person:
    """An admin of the school (or of ``school``) granted mass messaging by an admin of the district."""
    admin = await make.person(name, "admin", school=school)
    district_admin = await make.person("Dina District", "admin", school=make.district)
    granted = await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": True}, headers=district_admin.headers
    )
    assert granted.status_code == 204, granted.text
    return admin
