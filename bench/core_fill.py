"""Fill a database for the core benchmark (issue 2): 1,000,000 messages over 2,000 conversations.

The schema comes from the application's own migrations; rows are written with its own table objects and with
every column an action would set (``seq``, the conversation's ``last_seq``/``last_activity_at``/preview, read
cursors, the messages' rendered HTML, the recent ``message.created`` events). Writing goes through SQLAlchemy Core
executemany in large transactions on a synchronous engine, with SQLite's journal sync off while filling: the
result is an ordinary WAL database, the fill just does not wait for the disk.

    .venv/bin/python bench/core_fill.py                       # bench/results/core.db
    .venv/bin/python bench/core_fill.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/schoolchat_bench
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, Table, create_engine, event, func, insert, select, text

import core_dataset as dataset
import core_target
from schoolchat.auth.passwords import hash_password
from schoolchat.conversations.models import conversations, individual_recipients, memberships
from schoolchat.db.migrate import sync_url, upgrade
from schoolchat.messages.models import messages
from schoolchat.messages.render import preview, render
from schoolchat.people.models import org_roles, orgs, space_members, spaces, users
from schoolchat.policy.texts import deletion_notice
from schoolchat.realtime.events import EventType
from schoolchat.realtime.models import events

RESULTS = Path(__file__).with_name("results")
CHUNK = 20_000
EVENT_WINDOW = timedelta(days=7)  # the event log keeps a week (Settings.event_retention_days)
PASSWORD = "bench-password"
console = Console()


def main() -> None:
    args = _parse()
    url = args.database_url or f"sqlite+aiosqlite:///{args.path.resolve()}"
    if url.startswith("sqlite"):
        _remove_sqlite(args.path, force=args.force)
    started = time.perf_counter()
    console.print(f"Migrating {url}")
    upgrade(url)
    engine = _engine(sync_url(url))
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(users)).scalar_one():
            sys.exit("The database already has users; fill an empty one.")
    rng = random.Random(args.seed)
    plan = dataset.build_plan(rng, conversations=args.conversations, messages=args.messages, users=args.users)
    with Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        writer = _Writer(engine, progress, rng)
        writer.people(plan)
        numbered = writer.number(dataset.message_stream(rng, plan, len(writer.bodies)))
        writer.conversations(plan, numbered)  # before the messages: PostgreSQL checks the foreign keys
        writer.messages(plan, numbered)
        writer.finish()
    core_target.settle(url)
    manifest = _manifest(args, url, plan, time.perf_counter() - started)
    manifest_path = args.path.with_suffix(".json") if url.startswith("sqlite") else RESULTS / "core-postgresql.json"
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2))
    console.print(f"Filled in {manifest['fill_seconds']:.0f} s; manifest: {manifest_path}")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=RESULTS / "core.db", help="SQLite file to create")
    parser.add_argument("--database-url", help="fill this (empty) database instead, e.g. PostgreSQL")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--conversations", type=int, default=2_000)
    parser.add_argument("--users", type=int, default=4_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--force", action="store_true", help="replace an existing SQLite file")
    return parser.parse_args()


def _remove_sqlite(path: Path, *, force: bool) -> None:
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    if path.exists() and not force:
        sys.exit(f"{path} exists; pass --force to replace it.")
    for file in files:
        file.unlink(missing_ok=True)


def _engine(url: str) -> Engine:
    engine = create_engine(url)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _fast(dbapi_connection: Any, _record: Any) -> None:
            for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
                dbapi_connection.execute(f"PRAGMA {pragma}")

    return engine


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_FIRST = ("Anna", "Ben", "Chloe", "Daniel", "Eva", "Felix", "Hanna", "Isak", "Julia", "Karl", "Lena", "Magnus",
          "Nora", "Oskar", "Petra", "Rasmus", "Selma", "Theo", "Ulla", "Viktor", "Wilma", "Yusuf", "Zara", "Amir")
_LAST = ("Andersen", "Bakke", "Christensen", "Dahl", "Eriksen", "Fossum", "Gundersen", "Holm", "Isaksen",
         "Johansen", "Karlsen", "Larsen", "Moen", "Nilsen", "Olsen", "Pedersen", "Quist", "Røed", "Strand", "Tangen")
_SENTENCES = (
    "Remember the test on Friday.", "Can someone share the notes from today?", "I uploaded the worksheet.",
    "Thanks!", "See you in the lab at 10.", "Is the deadline still Monday?", "Great work on the presentations, "
    "everyone.", "Read chapter 4 before next lesson.", "The bus leaves at 8:15 from the main entrance.",
    "Please bring your permission slips.", "Who wants to present first?", "I'm running five minutes late.",
    "The reading list is at https://example.org/reading-list", "Here is the link: https://example.org/lab-report",
    "Could you explain question 3 again?", "OK, got it.", "Room changed to B204 today.", "Happy holidays!",
)


def _body_pool(rng: random.Random, count: int = 3_000) -> list[str]:
    """Messages of one to six sentences, a few with links; rendered once each, as sends would render them."""
    return [" ".join(rng.choice(_SENTENCES) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 6))))
            for _ in range(count)]


class _Writer:
    def __init__(self, engine: Engine, progress: Progress, rng: random.Random) -> None:
        self.engine, self.progress, self.rng = engine, progress, rng
        self.bodies = _body_pool(rng)
        self.html = [render(body) for body in self.bodies]
        self.names: dict[int, str] = {}

    def _write(self, table: Table, rows: Iterable[dict[str, Any]], total: int, label: str | None = None) -> None:
        task = self.progress.add_task(label or table.name, total=total)
        with self.engine.connect() as conn:
            for batch in _chunks(rows):
                with conn.begin():
                    conn.execute(insert(table), batch)
                self.progress.advance(task, len(batch))

    def people(self, plan: dataset.Plan) -> None:
        now = plan.now - dataset.TERM - timedelta(days=30)
        self._write(orgs, [{"id": 1, "name": "Bench District", "kind": "district", "parent_id": None},
                           {"id": 2, "name": "Bench High School", "kind": "school", "parent_id": 1}], 2)
        password_hash = hash_password(PASSWORD)
        people = ([(u, "teacher") for u in plan.teachers] + [(u, "admin") for u in plan.admins]
                  + [(u, "student") for u in plan.students])
        rows = []
        for user_id, role in people:
            self.names[user_id] = f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"
            username = dataset.BENCH_USERNAME if user_id == plan.bench_user else f"{role}{user_id:05d}"
            rows.append({"id": user_id, "username": username, "password_hash": password_hash,
                         "name": self.names[user_id], "title": role.title(), "created_at": now})
        self._write(users, rows, len(rows))
        self._write(org_roles, [{"user_id": u, "org_id": 2, "role": role} for u, role in people], len(people))
        self._write(spaces, [{"id": s.id, "kind": s.kind, "name": s.name, "org_id": 2} for s in plan.spaces],
                    len(plan.spaces))
        enrolments = [{"space_id": s.id, "user_id": u, "role": role} for s in plan.spaces
                      for role, group in (("teacher", s.teachers), ("student", s.students)) for u in group]
        self._write(space_members, enrolments, len(enrolments))

    def number(self, drafts: list[dataset.Draft]) -> list[dataset.Numbered]:
        """Ids and ``seq``s, and which messages were later deleted (0.3 %) or edited (0.5 %)."""
        numbered, self.own_last = dataset.number(drafts)
        rolls = [(m.id, self.rng.random()) for m in numbered]
        self.deleted = {message_id for message_id, roll in rolls if roll < 0.003}
        self.edited = {message_id for message_id, roll in rolls if 0.003 <= roll < 0.008}
        return numbered

    def messages(self, plan: dataset.Plan, numbered: list[dataset.Numbered]) -> None:
        recent_from = (plan.now - EVENT_WINDOW).timestamp()
        self._write(messages, (self._message_row(m) for m in numbered), len(numbered))
        recent = [m for m in numbered if m.draft.at >= recent_from]
        self._write(events, (self._event_row(m) for m in recent), len(recent), "events (last 7 days)")

    def _message_row(self, message: dataset.Numbered) -> dict[str, Any]:
        draft = message.draft
        at = datetime.fromtimestamp(draft.at, timezone.utc)
        row = {"id": message.id, "conversation_id": draft.conversation_id, "seq": message.seq,
               "sender_id": draft.sender_id, "client_message_id": None if draft.is_copy else
               f"{self.rng.getrandbits(128):032x}", "body": self.bodies[draft.body],
               "body_html": self.html[draft.body], "created_at": at, "edited_at": None, "deleted_at": None,
               "deleted_by": None, "forwarded_from_id": None, "forwarded_from_name": None}
        if message.id in self.deleted:
            row.update(body="", body_html="", deleted_at=at + timedelta(minutes=3), deleted_by=draft.sender_id)
        elif message.id in self.edited:
            row["edited_at"] = at + timedelta(minutes=2)
        return row

    def _event_row(self, message: dataset.Numbered) -> dict[str, Any]:
        """The ``message.created`` event a send appends, with the message as clients receive it."""
        draft = message.draft
        at = datetime.fromtimestamp(draft.at, timezone.utc)
        wire = {"id": message.id, "conversation_id": draft.conversation_id, "seq": message.seq,
                "sender": {"id": draft.sender_id, "name": self.names[draft.sender_id], "avatar_url": None},
                "client_message_id": None, "body": self.bodies[draft.body], "html": self.html[draft.body],
                "created_at": at.isoformat(), "edited_at": None, "deleted": None, "forwarded_from": None}
        return {"type": str(EventType.MESSAGE_CREATED), "conversation_id": draft.conversation_id, "user_id": None,
                "payload": {"conversation_id": draft.conversation_id, "message": wire}, "created_at": at}

    def conversations(self, plan: dataset.Plan, numbered: list[dataset.Numbered]) -> None:
        last = {m.draft.conversation_id: m for m in numbered}
        rows = [self._conversation_row(c, last[c.id]) for c in plan.conversations]
        self._write(conversations, rows, len(rows))
        large = {c.id for c in plan.conversations if len(c.members) > 100}
        cursors = [self._membership_row(c, last[c.id].seq, user, plan.bench_user, c.id in large)
                   for c in plan.conversations for user in c.members]
        self._write(memberships, cursors, len(cursors))
        batches = [{"conversation_id": c.id, "user_id": user, "direct_conversation_id": direct}
                   for c in plan.conversations for user, direct in c.recipients]
        self._write(individual_recipients, batches, len(batches))

    def _conversation_row(self, c: dataset.Conversation, last: dataset.Numbered) -> dict[str, Any]:
        sender = last.draft.sender_id
        shown = (deletion_notice(sender, sender, None) if last.id in self.deleted
                 else preview(self.bodies[last.draft.body]))
        return {"id": c.id, "kind": c.kind, "name": c.name, "space_id": c.space_id, "direct_key": c.direct_key,
                "status": "open", "created_by": c.created_by, "created_at": c.created_at, "last_seq": last.seq,
                "last_activity_at": datetime.fromtimestamp(last.draft.at, timezone.utc),
                "last_message_preview": shown, "last_message_sender_id": sender}

    def _membership_row(self, c: dataset.Conversation, last_seq: int, user: int, bench: int, large: bool
                        ) -> dict[str, Any]:
        cursor = dataset.read_cursor(self.rng, last_seq, self.own_last.get((c.id, user), 0), is_bench=user == bench,
                                     large=large)
        return {"conversation_id": c.id, "user_id": user, "formal": True, "active": True,
                "joined_at": c.created_at, "left_at": None, "removed_by": None, "last_read_seq": cursor}

    def finish(self) -> None:
        """PostgreSQL: move the id sequences past the ids written here. SQLite: fold the WAL into the file."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                for table in (orgs, users, spaces, conversations, messages):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT max(id) FROM {table.name}))"))
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _manifest(args: argparse.Namespace, url: str, plan: dataset.Plan, seconds: float) -> dict[str, Any]:
    mine = [c for c in plan.conversations if plan.bench_user in c.members]
    return {"database_url": url, "seed": args.seed, "messages": args.messages, "users": plan.user_count,
            "conversations": len(plan.conversations), "bench_user_id": plan.bench_user,
            "bench_username": dataset.BENCH_USERNAME, "bench_conversations": len(mine),
            "kinds": {kind: sum(c.kind == kind for c in plan.conversations)
                      for kind in ("direct", "group", "course", "project", "individual")},
            "fill_seconds": round(seconds, 1)}


if __name__ == "__main__":
    main()
