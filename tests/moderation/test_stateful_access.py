"""A hypothesis state machine over random create, add, leave, remove, send, report, open-report, moderate, close
and reopen steps, checked against a small reference model: nobody ever reads or acts on what the model forbids.

The people: three students and their teacher (who teaches all three), plus a teacher of another course who is
in none of their courses and must never see a conversation she has not been added to.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from schoolchat.app import create_app
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services
from schoolchat.tables import metadata
from tests.conftest import DATABASE_KIND, SECRET
from tests.factories import Factory, Person
from tests.openapi_check import app_client

# CI runs 500 examples on SQLite (the bar) and 100 on PostgreSQL, where each example costs a TRUNCATE;
# elsewhere 40, so that a local run stays quick. SCHOOLCHAT_STATEFUL_EXAMPLES overrides both.
_CI_EXAMPLES = "500" if DATABASE_KIND == "sqlite" else "100"
EXAMPLES = int(
    os.environ.get("SCHOOLCHAT_STATEFUL_EXAMPLES", _CI_EXAMPLES if os.environ.get("CI") == "true" else "40")
)
STUDENTS = ("s0", "s1", "s2")
EVERYONE = (*STUDENTS, "teacher", "outsider")
STAFF = ("teacher", "outsider")  # both teach: in a conversation outside courses, either may moderate


@dataclass
class Conversation:
    id: int
    creator: str
    members: dict[str, bool] = field(default_factory=dict)  # name -> formal
    closed: bool = False


@dataclass
class Message:
    id: int
    conversation: int
    sender: str
    deleted: bool = False


class Stage:
    """The app, its database and the five people, built once per test run and reset before every example
    (SQLite: a copy of a file with the people in it; PostgreSQL: TRUNCATE and make the people again)."""

    def __init__(self, migrated: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.tmp = Path(tempfile.mkdtemp())
        self.migrated = migrated
        self.path = self.tmp / "stateful.db"
        self.snapshot = self.tmp / "people.db"
        url = migrated if DATABASE_KIND == "postgresql" else f"sqlite+aiosqlite:///{self.path}"
        # Rate limits are tested rule by rule (tests/ratelimit); the model knows nothing of them.
        config = Settings(database_url=url, secret_key=SECRET, data_dir=self.tmp, rate_limits_enabled=False)
        self.services = Services(config, Database(url), MemoryBus())
        self.client = app_client(create_app(config, db=self.services.db, bus=self.services.bus))
        self.people: dict[str, Person] = {}

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    async def reset(self) -> None:
        await self.services.db.dispose()
        if DATABASE_KIND == "postgresql":
            tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            async with self.services.db.engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            await self._make_people()
            return
        for leftover in (
            self.path.with_name(self.path.name + "-wal"),
            self.path.with_name(self.path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        if self.people:
            shutil.copyfile(self.snapshot, self.path)
            return
        shutil.copyfile(self.migrated, self.path)
        await self._make_people()
        await self.services.db.dispose()
        shutil.copyfile(self.path, self.snapshot)

    async def _make_people(self) -> None:
        make = Factory(self.services)
        await make.setup()
        for name in STUDENTS:
            self.people[name] = await make.person(name)
        self.people["teacher"] = await make.person("teacher", "teacher")
        self.people["outsider"] = await make.person("outsider", "teacher")
        await make.space(
            "Course", teachers=[self.people["teacher"]], students=[self.people[name] for name in STUDENTS]
        )
        await make.space("Elsewhere", teachers=[self.people["outsider"]])

    def close(self) -> None:
        self.run(self.client.aclose())
        self.run(self.services.db.dispose())
        self.loop.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class AccessMachine(RuleBasedStateMachine):
    stage: Stage

    conversations = Bundle("conversations")
    messages = Bundle("messages")
    reports = Bundle("reports")

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[int, Conversation] = {}
        self.sent: dict[int, Message] = {}
        self.report_reviewed_by_teacher: dict[int, bool] = {}
        self.report_conversation: dict[int, int] = {}
        self.stage.run(self.stage.reset())
        self.people = self.stage.people

    def call(self, who: str, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.stage.run(
            self.stage.client.request(method, path, json=body, headers=self.people[who].headers)
        )

    def expect(self, answer: httpx.Response, allowed: bool) -> None:
        assert (answer.status_code < 300) == allowed, (answer.status_code, answer.text)

    # ---- steps ---------------------------------------------------------------------------------------------

    @rule(
        target=conversations,
        creator=st.sampled_from(("s0", "s1", "s2", "teacher")),
        others=st.sets(st.sampled_from(("s0", "s1", "s2", "teacher")), min_size=2, max_size=3),
    )
    def create_group(self, creator: str, others: set[str]) -> int:
        others = others - {creator}
        if len(others) < 2:
            others = others | {name for name in STUDENTS if name != creator}
        answer = self.call(
            creator,
            "POST",
            "/api/conversations",
            {
                "recipients": {"people": [self.people[o].id for o in sorted(others)]},
                "mode": "group",
                "message": {"body": f"hello from {creator}"},
            },
        )
        self.expect(answer, True)
        conversation = Conversation(
            answer.json()["conversation"]["id"], creator, {name: True for name in {creator, *others}}
        )
        self.model[conversation.id] = conversation
        self.sent[answer.json()["message"]["id"]] = Message(
            answer.json()["message"]["id"], conversation.id, creator
        )
        return conversation.id

    @rule(conversation=conversations, actor=st.sampled_from(EVERYONE), person=st.sampled_from(EVERYONE))
    def add(self, conversation: int, actor: str, person: str) -> None:
        c = self.model[conversation]
        answer = self.call(
            actor,
            "POST",
            f"/api/conversations/{conversation}/participants",
            {"user_ids": [self.people[person].id]},
        )
        allowed = actor in c.members and not c.closed  # the test school lets anyone address anyone in it
        self.expect(answer, allowed)
        if allowed and person not in c.members:
            c.members[person] = True

    @rule(conversation=conversations, actor=st.sampled_from(EVERYONE))
    def leave(self, conversation: int, actor: str) -> None:
        c = self.model[conversation]
        self.expect(self.call(actor, "POST", f"/api/conversations/{conversation}/leave"), actor in c.members)
        c.members.pop(actor, None)

    @rule(conversation=conversations, actor=st.sampled_from(EVERYONE), person=st.sampled_from(EVERYONE))
    def remove(self, conversation: int, actor: str, person: str) -> None:
        c = self.model[conversation]
        answer = self.call(
            actor, "DELETE", f"/api/conversations/{conversation}/participants/{self.people[person].id}"
        )
        moderator = actor in c.members and (actor in STAFF or not c.members[actor])
        allowed = moderator and c.members.get(person) is True and person != actor
        self.expect(answer, allowed)
        if allowed:
            del c.members[person]

    @rule(target=messages, conversation=conversations, actor=st.sampled_from(EVERYONE))
    def send(self, conversation: int, actor: str) -> int:
        c = self.model[conversation]
        answer = self.call(
            actor, "POST", f"/api/conversations/{conversation}/messages", {"body": f"from {actor}"}
        )
        allowed = actor in c.members and not c.closed
        self.expect(answer, allowed)
        if not allowed:
            return -1
        message_id = answer.json()["message"]["id"]
        self.sent[message_id] = Message(message_id, conversation, actor)
        self.check_history(conversation)
        return message_id

    @rule(target=reports, message=messages, actor=st.sampled_from(STUDENTS))
    def report(self, message: int, actor: str) -> int:
        if message not in self.sent:
            return -1
        m = self.sent[message]
        answer = self.call(actor, "POST", f"/api/messages/{message}/report", {"reason": "abuse"})
        allowed = actor in self.model[m.conversation].members and m.sender != actor and not m.deleted
        self.expect(answer, allowed)
        if not allowed:
            return -1
        report_id = answer.json()["report_id"]
        self.report_reviewed_by_teacher[report_id] = m.sender != "teacher"
        self.report_conversation[report_id] = m.conversation
        return report_id

    @rule(report=reports, actor=st.sampled_from(("teacher", "outsider", "s0")))
    def open_report(self, report: int, actor: str) -> None:
        if report == -1:
            return
        answer = self.call(actor, "POST", f"/api/reports/{report}/open")
        allowed = actor == "teacher" and self.report_reviewed_by_teacher[report]
        self.expect(answer, allowed)
        c = self.model[self.report_conversation[report]]
        if allowed and actor not in c.members:
            c.members[actor] = False

    @rule(message=messages, actor=st.sampled_from(EVERYONE))
    def moderate(self, message: int, actor: str) -> None:
        if message not in self.sent:
            return
        m = self.sent[message]
        c = self.model[m.conversation]
        answer = self.call(actor, "POST", f"/api/messages/{message}/moderate", {"confirm": True})
        allowed = actor in c.members and (actor in STAFF or not c.members[actor]) and not m.deleted
        self.expect(answer, allowed)
        if allowed:
            m.deleted = True
        self.check_history(m.conversation)

    @rule(conversation=conversations, actor=st.sampled_from(EVERYONE), closing=st.booleans())
    def close_or_reopen(self, conversation: int, actor: str, closing: bool) -> None:
        c = self.model[conversation]
        answer = self.call(
            actor, "POST", f"/api/conversations/{conversation}/{'close' if closing else 'reopen'}"
        )
        allowed = actor in c.members and (actor in STAFF or actor == c.creator)
        self.expect(answer, allowed)
        if allowed:
            c.closed = closing

    # ---- what must always hold -----------------------------------------------------------------------------

    @precondition(lambda self: bool(self.model))
    @invariant()
    def everyone_lists_exactly_the_conversations_the_model_allows(self) -> None:
        for name in EVERYONE:
            listed = {
                c["id"]
                for c in self.call(name, "GET", "/api/conversations?limit=100").json()["conversations"]
            }
            assert listed == {cid for cid, c in self.model.items() if name in c.members}, name

    def check_history(self, conversation: int) -> None:
        """Its members read exactly the model's messages (removed ones without content); anyone else, nothing."""
        for name in EVERYONE:
            answer = self.call(name, "GET", f"/api/conversations/{conversation}/messages?limit=200")
            if name not in self.model[conversation].members:
                assert answer.status_code == 404
                continue
            seen = {m["id"]: m["body"] for m in answer.json()["messages"]}
            expected = {
                mid: None if m.deleted else f"from {m.sender}"
                for mid, m in self.sent.items()
                if m.conversation == conversation
            }
            assert seen.keys() == expected.keys()
            assert all(seen[mid] is None for mid, body in expected.items() if body is None)


def test_nobody_reads_or_acts_beyond_what_the_model_allows(migrated_database: str) -> None:
    AccessMachine.stage = Stage(migrated_database)
    try:
        run_state_machine_as_test(
            AccessMachine,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=10,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        AccessMachine.stage.close()
