"""OneRoster 1.1 CSV import: one test per rule, the edge cases, and the demo flow of issue 7 through the API."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from schoolchat.administration.roster.apply import Imported, import_roster
from schoolchat.auth.actions import insert_token
from schoolchat.people.models import org_roles, orgs, space_members, spaces, users
from schoolchat.services import Services
from tests.calls import conversation_list, error_of, history, send, started
from tests.factories import Factory, Person

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "oneroster"


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    """A copy of the sample roster to change."""
    folder = tmp_path / "roster"
    shutil.copytree(SAMPLE, folder)
    return folder


def _edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


async def _imported(services: Services, folder: Path) -> Imported:
    result = await import_roster(services, folder)
    assert result.ok, [str(e) for e in result.errors]
    return result


async def _refused(services: Services, folder: Path) -> list[str]:
    result = await import_roster(services, folder)
    assert not result.ok
    return [str(error) for error in result.errors]


async def _user_id(services: Services, username: str) -> int:
    async with services.db.read() as conn:
        return (await conn.execute(select(users.c.id).where(users.c.username == username))).scalar_one()


async def _space_id(services: Services, name: str) -> int:
    async with services.db.read() as conn:
        return (await conn.execute(select(spaces.c.id).where(spaces.c.name == name))).scalar_one()


async def _count(services: Services, table: object) -> int:
    async with services.db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()  # type: ignore[arg-type]


async def _login(services: Services, username: str) -> Person:
    user_id = await _user_id(services, username)
    async with services.db.write() as tx:
        issued = await insert_token(
            tx, services.settings.secret_key, user_id, kind="bearer", lifetime=timedelta(days=1)
        )
    return Person(user_id, username, username, issued.token)


async def test_import_creates_the_hierarchy_people_roles_and_classes_as_courses(services: Services) -> None:
    result = await _imported(services, SAMPLE)
    assert dict(result.created) == {"orgs": 3, "users": 9, "classes": 3, "enrollments": 9}
    async with services.db.read() as conn:
        parents = dict((await conn.execute(select(orgs.c.name, orgs.c.parent_id))).all())
        district = (await conn.execute(select(orgs.c.id).where(orgs.c.kind == "district"))).scalar_one()
        roles = (
            await conn.execute(
                select(func.count())
                .select_from(org_roles)
                .where(org_roles.c.user_id == await _user_id(services, "jonas.aas"))
            )
        ).scalar_one()
    assert parents["Fjord Valley High"] == parents["Birchwood Middle"] == district
    assert roles == 2  # teaches in both schools
    assert await _space_id(services, "Biology 10A, Fall")  # a quoted comma in a title


async def test_importing_the_same_roster_again_changes_nothing(services: Services) -> None:
    await _imported(services, SAMPLE)
    counts = [await _count(services, table) for table in (users, orgs, spaces, space_members, org_roles)]
    again = await _imported(services, SAMPLE)
    assert not any(again.created.values())
    assert [
        await _count(services, table) for table in (users, orgs, spaces, space_members, org_roles)
    ] == counts


async def test_a_changed_row_updates_its_object(services: Services, roster: Path) -> None:
    await _imported(services, roster)
    _edit(roster, "users.csv", "Oskar,Dahl", "Oskar,Dahl-Strand")
    _edit(roster, "classes.csv", "History 10A", "World History 10A")
    await _imported(services, roster)
    async with services.db.read() as conn:
        name = (await conn.execute(select(users.c.name).where(users.c.username == "oskar.dahl"))).scalar_one()
    assert name == "Oskar Dahl-Strand"
    assert await _space_id(services, "World History 10A")


async def test_tobedeleted_deactivates_a_user_and_ends_an_enrollment(
    services: Services, roster: Path
) -> None:
    await _imported(services, roster)
    _edit(roster, "users.csv", "u-student-3,,", "u-student-3,tobedeleted,")
    _edit(roster, "enrollments.csv", "e-2,,", "e-2,tobedeleted,")
    result = await _imported(services, roster)
    assert result.deactivated["users"] == 1 and result.deactivated["enrollments"] == 1
    async with services.db.read() as conn:
        active = (
            await conn.execute(select(users.c.is_active).where(users.c.username == "maja.holm"))
        ).scalar_one()
        enrolled = (
            (
                await conn.execute(
                    select(space_members.c.user_id).where(
                        space_members.c.space_id == await _space_id(services, "Biology 10A, Fall")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert active is False
    assert await _user_id(services, "ella.nygaard") not in enrolled


async def test_a_roster_deactivation_ends_the_persons_sessions(
    client: httpx.AsyncClient, services: Services, roster: Path
) -> None:
    await _imported(services, roster)
    maja = await _login(services, "maja.holm")
    assert (await client.get("/api/me", headers=maja.headers)).status_code == 200
    _edit(roster, "users.csv", "u-student-3,,", "u-student-3,tobedeleted,")
    await _imported(services, roster)
    assert (await client.get("/api/me", headers=maja.headers)).status_code == 401


async def test_a_renamed_class_renames_its_course_conversation(
    client: httpx.AsyncClient, services: Services, roster: Path
) -> None:
    await _imported(services, roster)
    teacher = await _login(services, "hanne.moe")
    biology = await _space_id(services, "Biology 10A, Fall")
    conversation = await started(client, teacher, courses=[biology], mode="group", body="Welcome to biology")
    _edit(roster, "classes.csv", "Biology 10A, Fall", "Biology 10B, Fall")
    await _imported(services, roster)
    names = {c["id"]: c["name"] for c in await conversation_list(client, teacher)}
    assert names[conversation["conversation"]["id"]] == "Biology 10B, Fall"


async def test_a_reimport_that_moves_a_student_between_classes_moves_their_course_conversation(
    client: httpx.AsyncClient, services: Services, roster: Path
) -> None:
    await _imported(services, roster)
    teacher, oskar = await _login(services, "hanne.moe"), await _login(services, "oskar.dahl")
    biology = await _space_id(services, "Biology 10A, Fall")
    conversation = await started(client, teacher, courses=[biology], mode="group", body="Welcome to biology")
    conversation_id = conversation["conversation"]["id"]
    assert conversation_id in {c["id"] for c in await conversation_list(client, oskar)}
    _edit(roster, "enrollments.csv", "e-3,,,class-bio-10a", "e-3,,,class-hist-10a")
    await _imported(services, roster)
    assert conversation_id not in {c["id"] for c in await conversation_list(client, oskar)}
    async with services.db.read() as conn:
        classes = (
            (
                await conn.execute(
                    select(spaces.c.name)
                    .join(space_members, space_members.c.space_id == spaces.c.id)
                    .where(space_members.c.user_id == oskar.id)
                )
            )
            .scalars()
            .all()
        )
    assert classes == ["History 10A"]


async def test_a_bulk_enrollments_file_ends_the_enrollments_it_no_longer_lists(
    services: Services, roster: Path
) -> None:
    await _imported(services, roster)
    _edit(roster, "enrollments.csv", "e-9,,,class-math-7a,org-middle,u-student-5,student,false,,\n", "")
    await _imported(services, roster)
    async with services.db.read() as conn:
        enrolled = (
            (
                await conn.execute(
                    select(space_members.c.user_id).where(
                        space_members.c.space_id == await _space_id(services, "Mathematics 7A")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert await _user_id(services, "nora.eide") not in enrolled


async def test_guardians_are_skipped_and_counted(services: Services) -> None:
    result = await _imported(services, SAMPLE)
    assert result.skipped_guardians == 1
    async with services.db.read() as conn:
        assert (
            await conn.execute(select(users.c.id).where(users.c.username == "kari.nygaard"))
        ).first() is None


async def test_missing_manifest_is_refused(services: Services, roster: Path) -> None:
    (roster / "manifest.csv").unlink()
    [error] = await _refused(services, roster)
    assert "has no manifest.csv" in error


async def test_a_file_the_manifest_names_must_be_there(services: Services, roster: Path) -> None:
    (roster / "classes.csv").unlink()
    assert any(
        "manifest.csv, line" in e and "classes.csv is not in the folder" in e
        for e in await _refused(services, roster)
    )


async def test_unknown_role_names_file_line_and_column(services: Services, roster: Path) -> None:
    _edit(roster, "users.csv", "org-middle,student,filip.berge", "org-middle,janitor,filip.berge")
    assert await _refused(services, roster) == [
        "users.csv, line 9, column role: 'janitor' is not a OneRoster role"
    ]


async def test_an_email_that_is_not_an_address_is_refused(services: Services, roster: Path) -> None:
    _edit(roster, "users.csv", "hanne.moe@fvsd.example", "hanne.moe at fvsd")
    assert await _refused(services, roster) == [
        "users.csv, line 4, column email: 'hanne.moe at fvsd' is not an email address"
    ]


async def test_the_email_is_kept_lower_cased_for_single_sign_on(services: Services, roster: Path) -> None:
    _edit(roster, "users.csv", "hanne.moe@fvsd.example", "Hanne.Moe@FVSD.example")
    await _imported(services, roster)
    async with services.db.read() as conn:
        email = (
            await conn.execute(select(users.c.email).where(users.c.username == "hanne.moe"))
        ).scalar_one()
    assert email == "hanne.moe@fvsd.example"


async def test_dangling_references_are_refused(services: Services, roster: Path) -> None:
    _edit(roster, "enrollments.csv", "e-8,,,class-math-7a", "e-8,,,class-art-7a")
    _edit(roster, "users.csv", "true,org-middle,student,nora.eide", "true,org-nowhere,student,nora.eide")
    errors = await _refused(services, roster)
    assert (
        "enrollments.csv, line 9, column classSourcedId: refers to class 'class-art-7a', which is neither in "
        "classes.csv nor imported before" in errors
    )
    assert any(
        e.startswith("users.csv, line 10, column orgSourcedIds: refers to org 'org-nowhere'") for e in errors
    )


async def test_duplicate_sourced_ids_are_refused(services: Services, roster: Path) -> None:
    _edit(roster, "classes.csv", "class-hist-10a,,,History", "class-bio-10a,,,History")
    errors = await _refused(services, roster)
    assert (
        errors[0]
        == "classes.csv, line 3, column sourcedId: duplicate sourcedId 'class-bio-10a' (first on line 2)"
    )


async def test_byte_order_mark_and_quoted_commas_are_read(services: Services, roster: Path) -> None:
    for file in ("users.csv", "orgs.csv"):
        path = roster / file
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _edit(roster, "users.csv", "Hanne,Moe", '"Hanne, Dr.","Moe ""the"" Biologist"')
    await _imported(services, roster)
    async with services.db.read() as conn:
        name = (await conn.execute(select(users.c.name).where(users.c.username == "hanne.moe"))).scalar_one()
    assert name == 'Hanne, Dr. Moe "the" Biologist'


async def test_an_import_with_any_error_changes_nothing(services: Services, roster: Path) -> None:
    await _imported(services, roster)
    _edit(roster, "users.csv", "Oskar,Dahl", "Oskar,Renamed")
    _edit(roster, "orgs.csv", "Birchwood Middle,school", "Birchwood Middle,galaxy")
    errors = await _refused(services, roster)
    assert errors == [
        (
            "orgs.csv, line 4, column type: 'galaxy' is not an org type; expected one of national, state, "
            "local, district, school, department"
        )
    ]
    async with services.db.read() as conn:
        assert (
            await conn.execute(select(users.c.name).where(users.c.username == "oskar.dahl"))
        ).scalar_one() == "Oskar Dahl"


async def test_a_username_of_an_account_outside_the_roster_is_refused(
    services: Services, make: Factory, roster: Path
) -> None:
    existing = await make.person("Someone Else")
    _edit(roster, "users.csv", "oskar.dahl", existing.username)
    assert await _refused(services, roster) == [
        f"users.csv, line 7, column username: username '{existing.username}' belongs to another account"
    ]


async def test_demo_flow_import_grant_and_mass_message_one_school_s_students(
    client: httpx.AsyncClient, app: FastAPI, services: Services
) -> None:
    """Issue 7, done when: import the sample roster, grant the privilege, send a mass message to one school's
    students; they see it one-way, with the distinctive avatar, through the API."""
    await _imported(services, SAMPLE)
    district_admin, school_admin = await _login(services, "astrid.vik"), await _login(services, "bjorn.lie")
    granted = await client.patch(
        f"/api/admin/users/{school_admin.id}", json={"mass_messaging": True}, headers=district_admin.headers
    )
    assert granted.status_code == 204, granted.text
    targets = (await client.get("/api/mass-messages/targets", headers=school_admin.headers)).json()
    [high] = [org["id"] for org in targets["orgs"] if org["name"] == "Fjord Valley High"]
    accepted = await client.post(
        "/api/mass-messages",
        json={"org_ids": [high], "roles": ["student"], "body": "Picture day is on Friday."},
        headers=school_admin.headers,
    )
    assert accepted.status_code == 202, accepted.text
    await app.state.mass_messages.drain()
    job = (
        await client.get(f"/api/mass-messages/{accepted.json()['id']}", headers=school_admin.headers)
    ).json()
    assert (job["status"], job["delivered"], job["skipped_disabled"]) == ("done", 3, 0)
    for username, reached in (
        ("ella.nygaard", True),
        ("oskar.dahl", True),
        ("maja.holm", True),
        ("filip.berge", False),
        ("hanne.moe", False),
    ):
        person = await _login(services, username)
        mass = [c for c in await conversation_list(client, person) if c["kind"] == "mass"]
        assert bool(mass) is reached, username
        if reached:
            assert mass[0]["icon"] == "megaphone" and mass[0]["unread"] == 1
            assert (await history(client, person, mass[0]["id"]))["messages"][0][
                "body"
            ] == "Picture day is on Friday."
            reply = await send(client, person, mass[0]["id"], "ok")
            assert reply.status_code == 403 and error_of(reply)["code"] == "mass_message_one_way"
