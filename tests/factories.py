"""Test factories: a district with two schools, and people, courses and projects made on demand."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import insert, update

from schoolchat.administration import writes
from schoolchat.auth.actions import insert_token
from schoolchat.auth.passwords import hash_password
from schoolchat.kinds import SchoolRole
from schoolchat.people.models import communication_rules, users
from schoolchat.services import Services

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)
_numbers = itertools.count(1)


@dataclass
class Person:
    id: int
    username: str
    name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Space:
    id: int
    kind: str
    name: str
    teachers: list[Person] = field(default_factory=list)
    students: list[Person] = field(default_factory=list)


class Factory:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.district = 0
        self.school = 0
        self.other_school = 0
        self.default_rules_school = 0

    async def setup(self) -> None:
        """A district with two schools whose communication rules let everyone message anyone in their school,
        so that tests about other rules stay short; the default rules are tested on ``default_rules_school``."""
        async with self.services.db.write() as tx:
            self.district = await writes.insert_org(tx, name="Test District", kind="district", parent_id=None)
            self.school = await writes.insert_org(
                tx, name="Test School", kind="school", parent_id=self.district
            )
            self.other_school = await writes.insert_org(
                tx, name="Other School", kind="school", parent_id=self.district
            )
            self.default_rules_school = await writes.insert_org(
                tx, name="Default Rules School", kind="school", parent_id=None
            )
            await tx.conn.execute(
                insert(communication_rules),
                [
                    {
                        "org_id": org_id,
                        "sender_role": sender,
                        "recipient_role": recipient,
                        "scope": "same_school",
                    }
                    for org_id in (self.district, self.school, self.other_school)
                    for sender in SchoolRole
                    for recipient in SchoolRole
                ],
            )

    async def person(
        self,
        name: str | None = None,
        role: str = "student",
        *,
        school: int | None = None,
        messaging_disabled: bool = False,
    ) -> Person:
        number = next(_numbers)
        name = name or f"{role.title()} {number}"
        username = f"user{number}"
        async with self.services.db.write() as tx:
            user_id = await writes.insert_user(
                tx, username=username, password_hash=_PASSWORD_HASH, name=name, title=role.title()
            )
            await writes.put_role(tx, user_id, school or self.school, role)
            issued = await insert_token(
                tx, self.services.settings.secret_key, user_id, kind="bearer", lifetime=timedelta(days=1)
            )
        if messaging_disabled:
            await self.disable_messaging(user_id)
        return Person(user_id, username, name, issued.token)

    async def disable_messaging(self, user_id: int, disabled: bool = True) -> None:
        async with self.services.db.write() as tx:
            await tx.conn.execute(
                update(users).where(users.c.id == user_id).values(messaging_disabled=disabled)
            )

    async def people(self, count: int, role: str = "student", *, school: int | None = None) -> list[Person]:
        return [await self.person(role=role, school=school) for _ in range(count)]

    async def space(
        self,
        name: str,
        *,
        teachers: Sequence[Person] = (),
        students: Sequence[Person] = (),
        kind: str = "course",
        school: int | None = None,
        extra_student_ids: Sequence[int] = (),
    ) -> Space:
        async with self.services.db.write() as tx:
            space_id = await writes.insert_space(tx, kind=kind, name=name, org_id=school or self.school)
            if teachers:
                await writes.enroll(tx, space_id, [p.id for p in teachers], "teacher", by=None)
            student_ids = [p.id for p in students] + list(extra_student_ids)
            if student_ids:
                await writes.enroll(tx, space_id, student_ids, "student", by=None)
        return Space(space_id, kind, name, list(teachers), list(students))

    async def bulk_students(self, count: int, *, school: int | None = None) -> list[int]:
        """Many students without tokens (for the 300-participant rules)."""
        ids = []
        async with self.services.db.write() as tx:
            for _ in range(count):
                number = next(_numbers)
                user_id = await writes.insert_user(
                    tx, username=f"bulk{number}", password_hash=_PASSWORD_HASH, name=f"Bulk Student {number}"
                )
                await writes.put_role(tx, user_id, school or self.school, "student")
                ids.append(user_id)
        return ids
