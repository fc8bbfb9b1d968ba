"""The demo school: a district with two schools, four courses (one over 300 students), two projects, and named
teachers, students and admins who share one demo password."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from schoolchat.administration import writes
from schoolchat.auth.passwords import hash_password
from schoolchat.auth.queries import load_actor
from schoolchat.messages import actions as message_actions
from schoolchat.people.models import users
from schoolchat.people.selection import Recipients
from schoolchat.policy.recipients import Mode
from schoolchat.services import Services

DEMO_PASSWORD = "schoolchat-demo"
LARGE_COURSE_EXTRA_STUDENTS = 320


@dataclass(frozen=True)
class DemoPerson:
    username: str
    name: str
    title: str
    school: str  # "district", "high" or "middle"
    role: str


PEOPLE = (
    DemoPerson("ingrid.solberg", "Ingrid Solberg", "District administrator", "district", "admin"),
    DemoPerson("per.haugen", "Per Haugen", "Principal, Northfield High", "high", "admin"),
    DemoPerson("grace.okafor", "Grace Okafor", "Principal, Riverside Middle", "middle", "admin"),
    DemoPerson("maria.jensen", "Maria Jensen", "Biology teacher", "high", "teacher"),
    DemoPerson("tom.berg", "Tom Berg", "History teacher", "high", "teacher"),
    DemoPerson("david.chen", "David Chen", "Head of Year 10", "high", "teacher"),
    DemoPerson("sara.lind", "Sara Lind", "Mathematics teacher", "middle", "teacher"),
    DemoPerson("emma.hansen", "Emma Hansen", "Student, 10B", "high", "student"),
    DemoPerson("noah.olsen", "Noah Olsen", "Student, 10B", "high", "student"),
    DemoPerson("liam.dahl", "Liam Dahl", "Student, 10A", "high", "student"),
    DemoPerson("sofia.moen", "Sofia Moen", "Student, 10A", "high", "student"),
    DemoPerson("olivia.berg", "Olivia Berg", "Student, 7A", "middle", "student"),
    DemoPerson("lucas.strand", "Lucas Strand", "Student, 7A", "middle", "student"),
)

# name, kind, school, teachers, students
SPACES = (
    (
        "Biology 101",
        "course",
        "high",
        ["maria.jensen"],
        ["emma.hansen", "noah.olsen", "liam.dahl", "sofia.moen"],
    ),
    ("History 9B", "course", "high", ["tom.berg"], ["emma.hansen", "noah.olsen"]),
    ("Mathematics 7A", "course", "middle", ["sara.lind"], ["olivia.berg", "lucas.strand"]),
    (
        "Year 10 Assembly",
        "course",
        "high",
        ["david.chen", "tom.berg"],
        ["emma.hansen", "noah.olsen", "liam.dahl"],
    ),
    ("Science Fair Team", "project", "high", ["maria.jensen"], ["emma.hansen", "liam.dahl"]),
    ("School Newspaper", "project", "middle", ["sara.lind"], ["olivia.berg", "lucas.strand"]),
)
LARGE_COURSE = "Year 10 Assembly"


async def is_seeded(services: Services) -> bool:
    async with services.db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(users))).scalar_one() > 0


def demo_email(username: str) -> str:
    """Where the demo people's notification emails go (a reserved domain: point SCHOOLCHAT_SMTP_HOST at a local
    test server such as `python -m aiosmtpd -n` to read them)."""
    return f"{username}@northfield.example"


async def seed(services: Services) -> list[DemoPerson]:
    """Create the demo school and a few conversations; does nothing when people already exist."""
    if await is_seeded(services):
        return list(PEOPLE)
    password_hash = hash_password(DEMO_PASSWORD)
    ids: dict[str, int] = {}
    async with services.db.write() as tx:
        district = await writes.insert_org(
            tx, name="Northfield School District", kind="district", parent_id=None
        )
        schools = {
            "district": district,
            "high": await writes.insert_org(
                tx, name="Northfield High School", kind="school", parent_id=district
            ),
            "middle": await writes.insert_org(
                tx, name="Riverside Middle School", kind="school", parent_id=district
            ),
        }
        for person in PEOPLE:
            ids[person.username] = await writes.insert_user(
                tx,
                username=person.username,
                password_hash=password_hash,
                name=person.name,
                title=person.title,
                email=demo_email(person.username),
            )
            await writes.put_role(tx, ids[person.username], schools[person.school], person.role)
        await tx.conn.execute(
            update(users).where(users.c.id == ids["ingrid.solberg"]).values(mass_messaging=True)
        )
        await tx.conn.execute(
            update(users).where(users.c.id == ids["sofia.moen"]).values(messaging_disabled=True)
        )
        extra = []
        for number in range(1, LARGE_COURSE_EXTRA_STUDENTS + 1):
            user_id = await writes.insert_user(
                tx,
                username=f"student{number:03d}",
                password_hash=password_hash,
                name=f"Student {number:03d}",
                title="Student, Year 10",
            )
            await writes.put_role(tx, user_id, schools["high"], "student")
            extra.append(user_id)
        space_ids = {}
        for name, kind, school, teachers, students in SPACES:
            space_ids[name] = await writes.insert_space(tx, kind=kind, name=name, org_id=schools[school])
            await writes.enroll(tx, space_ids[name], [ids[u] for u in teachers], "teacher", by=None)
            student_ids = [ids[u] for u in students] + (extra if name == LARGE_COURSE else [])
            await writes.enroll(tx, space_ids[name], student_ids, "student", by=None)
    await _seed_conversations(services, ids, space_ids)
    return list(PEOPLE)


async def _seed_conversations(services: Services, ids: dict[str, int], space_ids: dict[str, int]) -> None:
    async with services.db.read() as conn:
        actors = {username: await load_actor(conn, user_id) for username, user_id in ids.items()}
    maria, emma, noah, tom = (
        actors["maria.jensen"],
        actors["emma.hansen"],
        actors["noah.olsen"],
        actors["tom.berg"],
    )
    assert maria and emma and noah and tom
    biology = await message_actions.send_new(
        services,
        maria,
        Recipients(courses=(space_ids["Biology 101"],)),
        mode=Mode.GROUP,
        name=None,
        body="Welcome to Biology 101! Our reading list is at https://example.org/biology-101",
        client_message_id=None,
    )
    await message_actions.send(
        services, emma, biology.conversation_id, "Thank you! Is the lab on Friday?", None
    )
    direct = await message_actions.send_new(
        services,
        emma,
        Recipients(people=(noah.id,)),
        mode=None,
        name=None,
        body="Hi Noah, shall we do the history homework together?",
        client_message_id=None,
    )
    await message_actions.send(
        services, noah, direct.conversation_id, "Sure, after lunch in the library.", None
    )
    await message_actions.send_new(
        services,
        tom,
        Recipients(people=(emma.id, noah.id)),
        mode=Mode.GROUP,
        name="History project group",
        body="Please send me your topic by Monday.",
        client_message_id=None,
    )
