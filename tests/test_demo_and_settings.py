"""The demo school the README's run command serves, and settings refused at start."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import Table, func, select

from schoolchat.administration import demo
from schoolchat.app import create_app
from schoolchat.config import InsecureSecretKey, Settings
from schoolchat.messages.models import messages
from schoolchat.people.models import users
from schoolchat.services import Services


def test_default_secret_key_is_refused_outside_demo_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InsecureSecretKey):
        create_app(Settings(data_dir=tmp_path))


def test_default_secret_key_is_accepted_in_demo_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    create_app(Settings(data_dir=tmp_path, demo=True))


@pytest.mark.parametrize(("setting", "pragma"), [("FULL", 2), ("NORMAL", 1)])
async def test_sqlite_synchronous_setting_reaches_the_database(
    tmp_path,
    setting: str,  # type: ignore[no-untyped-def]
    pragma: int,
) -> None:
    app = create_app(Settings(data_dir=tmp_path, demo=True, sqlite_synchronous=setting))
    db = app.state.services.db
    try:
        async with db.read() as conn:
            assert (await conn.exec_driver_sql("PRAGMA synchronous")).scalar_one() == pragma
    finally:
        await db.dispose()


def test_database_defaults_to_a_sqlite_file_in_the_data_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'schoolchat.db'}"


async def test_demo_school_has_every_role_and_a_course_over_300(
    services: Services, client: httpx.AsyncClient
) -> None:
    people = await demo.seed(services)
    assert {p.role for p in people} == {"admin", "teacher", "student"}
    token = await client.post(
        "/api/auth/tokens", json={"username": "david.chen", "password": demo.DEMO_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    me = (await client.get("/api/me", headers=headers)).json()
    assembly = next(int(space_id) for space_id in me["spaces"])
    options = await client.post("/api/recipients/options", json={"courses": [assembly]}, headers=headers)
    assert options.json()["scenario"] == "large_course_or_project"


async def test_demo_student_sees_seeded_conversations(services: Services, client: httpx.AsyncClient) -> None:
    await demo.seed(services)
    token = await client.post(
        "/api/auth/tokens", json={"username": "emma.hansen", "password": demo.DEMO_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    listing = (await client.get("/api/conversations", headers=headers)).json()["conversations"]
    assert {c["kind"] for c in listing} == {"course", "direct", "group"}


async def _count(services: Services, table: Table) -> int:
    async with services.db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def test_seeding_twice_changes_nothing(services: Services) -> None:
    await demo.seed(services)
    before = (await _count(services, users), await _count(services, messages))
    await demo.seed(services)
    assert (await _count(services, users), await _count(services, messages)) == before
