"""The ``schoolchat`` command: serve, demo, migrate, create-admin, import-roster, vapid-keys, openapi."""

from __future__ import annotations

import asyncio
import ctypes
import getpass
import json
import logging
import multiprocessing
import multiprocessing.connection
import resource
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import typer
import uvicorn
from fastapi import FastAPI
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from schoolchat import logs
from schoolchat.administration import demo
from schoolchat.administration import writes as administration_writes
from schoolchat.administration.roster.apply import Imported, import_roster
from schoolchat.administration.roster.apply import Progress as RosterProgress
from schoolchat.app import create_app
from schoolchat.auth.passwords import hash_password
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.notifications.push import generate_vapid_keys
from schoolchat.realtime.bus import MemoryBus
from schoolchat.realtime.transport import HubWebSocketProtocol
from schoolchat.services import Services

app = typer.Typer(help="schoolchat: real-time messaging for schools.", no_args_is_help=True)
console = Console()
logger = logging.getLogger(__name__)


# How every process serves. uvicorn's own access log is off (it wrote query strings, tokens included):
# schoolchat.logs writes one. uvicorn's own proxy headers stay off: it would take X-Forwarded-For from any
# peer on 127.0.0.1 as the client's address; the address comes from SCHOOLCHAT_CLIENT_ADDRESS_HEADER alone
# (ratelimit.deps). Two WebSocket features of uvicorn are off because the hub does better for idle sockets
# (docs/performance.md, issue 17): permessage-deflate, which browsers always offer, keeps a zlib compressor
# and decompressor per socket (about 44 KB) and would compress every fan-out frame once per recipient, for
# events of a few hundred bytes; and uvicorn's protocol-level ping, a timer per socket, when the hub's
# keep-alive sweep already pings quiet sockets and drops silent clients.
UVICORN: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "log_config": None,
    "access_log": False,
    "proxy_headers": False,
    "ws": HubWebSocketProtocol,  # the hub takes its sockets over after the handshake (realtime/transport.py)
    "ws_per_message_deflate": False,
    "ws_ping_interval": None,
    "ws_ping_timeout": None,
}

PR_SET_PDEATHSIG = 1  # prctl(2)
WORKER_RESTART_SECONDS = 1.0  # a worker that died is started again after this pause (no restart storm)
WORKER_STOP_SECONDS = 20  # how long a worker may take to stop before it is killed


OPEN_FILES_CEILING = 1_048_576  # Linux's default fs.nr_open: what an unlimited hard limit allows at most
OPEN_FILES_WARNING = 10_000  # below this, a school's pupils online at once can use up the sockets


def raise_open_files_limit() -> None:
    """Let this process (and the processes it starts) open as many files as its hard limit allows, and log how
    many that is. Every hub connection is a socket, and a service manager's soft limit is often far below the
    hard one (systemd's 1,024 against 524,288): with it, the 1,021st pupil online would find the service
    silent, their connection waiting unanswered in the listen queue."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    allowed = OPEN_FILES_CEILING if hard == resource.RLIM_INFINITY else hard
    held = allowed if soft == resource.RLIM_INFINITY else soft
    if held < allowed:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (allowed, hard))
            held = allowed
        except (ValueError, OSError):
            logger.warning("could not raise the open files limit from %d to %d", held, allowed)
    if held < OPEN_FILES_WARNING:
        logger.warning(
            "a process may hold only %d sockets (open files); raise LimitNOFILE (docs/operations.md)", held
        )
    else:
        logger.info("a process may hold %d sockets (open files)", held)


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """One process, or ``workers`` processes behind the one port (see ``_supervise``)."""
    logs.configure(settings.log_level, settings.log_format, demo=settings.demo)
    raise_open_files_limit()  # before ``_supervise`` starts its processes: they inherit it
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level, **UVICORN)
    else:
        _supervise(workers, host, port, settings.log_level)


def _supervise(workers: int, host: str, port: int, log_level: str) -> None:
    """Start ``workers`` processes, each listening on its own ``SO_REUSEPORT`` socket on ``host:port``; start
    again any that dies; stop them all on SIGTERM or SIGINT.

    Not uvicorn's ``--workers``: its processes share one listening socket, and Linux wakes whichever waits
    first, so under a light load one process took every connection (issue 17). With a socket per process the
    kernel spreads the connections by a hash of their addresses."""
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(host, port, log_level), daemon=False)
        process.start()
        return process

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    running = [start() for _ in range(workers)]
    logger.info("serving with %d processes: %s", workers, [p.pid for p in running])
    while not stopping:
        multiprocessing.connection.wait([p.sentinel for p in running], timeout=0.5)
        for n, process in enumerate(running):
            if process.exitcode is not None and not stopping:
                logger.warning("process %s exited with %s; starting another", process.pid, process.exitcode)
                time.sleep(WORKER_RESTART_SECONDS)
                running[n] = start()
    for process in running:
        process.terminate()  # uvicorn in each finishes its requests and closes its sockets
    deadline = time.monotonic() + WORKER_STOP_SECONDS
    for process in running:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            logger.warning("process %s did not stop in %d s; killed", process.pid, WORKER_STOP_SECONDS)
            process.kill()
            process.join()


def _worker(host: str, port: int, log_level: str) -> None:
    """One process of ``serve --workers N``: the app on a socket of its own that shares the port."""
    # Killed with the supervisor when that is killed (it stops its processes itself otherwise): an orphan would
    # keep taking a share of the port's connections from the service started after it.
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    config = uvicorn.Config(worker_app(), host=host, port=port, log_level=log_level, **UVICORN)
    uvicorn.Server(config).run(sockets=[sock])


def worker_app() -> FastAPI:
    """The app of one process of ``serve --workers N``, from the settings in its environment."""
    settings = Settings()
    logs.configure(settings.log_level, settings.log_format, demo=settings.demo)
    return create_app(settings)


def many_processes_problem(settings: Settings) -> str | None:
    """Why ``settings`` cannot run in several processes, or None. Each process delivers only what reaches
    it: events and rate limits cross processes through Redis; SQLite's group commit and writer are one
    process's."""
    if not settings.redis_url:
        return (
            "--workers above 1 needs SCHOOLCHAT_REDIS_URL: events and rate limits cross processes "
            "through Redis."
        )
    if settings.effective_database_url.startswith("sqlite"):
        return "--workers above 1 needs PostgreSQL (SCHOOLCHAT_DATABASE_URL): SQLite serves one process."
    return None


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = Settings()
    upgrade(settings.effective_database_url)
    console.print(f"Database is up to date: {settings.effective_database_url}")


@app.command("openapi")
def openapi_document(output: Path = typer.Argument(..., help="The file to write the document to.")) -> None:
    """Write the OpenAPI document that /openapi.json serves, without a database or a server (`make web` generates
    the UI's types from it)."""
    document = create_app(Settings(demo=True)).openapi()  # no setting changes the document
    output.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@app.command("vapid-keys")
def vapid_keys() -> None:
    """Make a VAPID key pair for Web Push; put the lines printed into the service's environment."""
    private, public = generate_vapid_keys()
    console.print(f"SCHOOLCHAT_VAPID_PRIVATE_KEY={private}", highlight=False, soft_wrap=True)
    console.print(f"SCHOOLCHAT_VAPID_PUBLIC_KEY={public}", highlight=False, soft_wrap=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    migrate_first: bool = typer.Option(False, "--migrate", help="Run migrations before serving."),
    workers: int = typer.Option(
        1,
        min=1,
        max=64,
        help="Processes behind the one port (above 1 needs PostgreSQL and Redis; docs/operations.md).",
    ),
) -> None:
    """Run the service (the database must be migrated; see `schoolchat migrate`)."""
    settings = Settings()
    try:
        settings.check_secret()
    except RuntimeError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    problem = many_processes_problem(settings) if workers > 1 else None
    if problem is not None:
        console.print(f"[red]{problem}[/red]")
        raise typer.Exit(2)
    if migrate_first:
        upgrade(settings.effective_database_url)
    _serve(settings, host, port, workers)


@app.command("demo")
def run_demo(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    seed_only: bool = typer.Option(False, "--seed-only", help="Create the demo school, don't serve."),
) -> None:
    """Migrate, create the demo school (once), print the logins, and serve."""
    settings = Settings(demo=True)
    upgrade(settings.effective_database_url)
    asyncio.run(_seed(settings))
    if not seed_only:
        console.print(f"\nschoolchat is running at [bold]http://{host}:{port}[/bold] — API docs at /docs\n")
        _serve(settings, host, port)


async def _seed(settings: Settings) -> None:
    db = Database(settings.effective_database_url)
    try:
        people = await demo.seed(Services(settings, db, MemoryBus()))
    finally:
        await db.dispose()
    table = Table(title=f"Demo logins (password for everyone: {demo.DEMO_PASSWORD})")
    for column in ("username", "name", "role", "title"):
        table.add_column(column)
    for person in people:
        table.add_row(person.username, person.name, person.role, person.title)
    table.add_row("student001 … student320", "Student 001 …", "student", "Year 10 Assembly (over 300)")
    console.print(table)


@app.command("create-admin")
def create_admin(
    username: str = typer.Option(..., help="Login name."),
    name: str = typer.Option(..., help="Display name."),
    org: str = typer.Option("School District", help="Name of the top-level org to create."),
    password: str = typer.Option("", help="Asked for when not given."),
) -> None:
    """Create a top-level organisation (a district) with its first administrator."""
    password = password or getpass.getpass("Password: ")
    if len(password) < 8:
        console.print("[red]The password must have at least 8 characters.[/red]")
        raise typer.Exit(2)
    settings = Settings()
    upgrade(settings.effective_database_url)
    user_id = asyncio.run(_create_admin(settings, username, name, org, password))
    console.print(f"Created administrator {username} (id {user_id}) of '{org}'.")


async def _create_admin(settings: Settings, username: str, name: str, org: str, password: str) -> int:
    db = Database(settings.effective_database_url)
    try:
        async with db.write() as tx:
            org_id = await administration_writes.insert_org(tx, name=org, kind="district", parent_id=None)
            user_id = await administration_writes.insert_user(
                tx, username=username, password_hash=hash_password(password), name=name, title="Administrator"
            )
            await administration_writes.put_role(tx, user_id, org_id, "admin")
            return user_id
    finally:
        await db.dispose()


@app.command("import-roster")
def import_roster_command(
    folder: Path = typer.Argument(..., help="A folder of OneRoster 1.1 CSV files."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the files, change nothing."),
) -> None:
    """Import (or import again) a OneRoster 1.1 CSV roster: orgs, users, classes as courses, enrollments."""
    settings = Settings()
    upgrade(settings.effective_database_url)
    with Progress(console=console) as bar:
        tasks: dict[str, TaskID] = {}

        async def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(f"Importing {step}", total=max(total, 1))
            bar.update(tasks[step], completed=done if total else 1)

        result = asyncio.run(_import_roster(settings, folder, dry_run, progress))
    if not result.ok:
        table = Table(title=f"{len(result.errors)} problem(s); nothing was imported")
        for column in ("file", "line", "column", "problem"):
            table.add_column(column)
        for error in result.errors:
            table.add_row(error.file, str(error.line), error.column, error.message)
        console.print(table)
        raise typer.Exit(1)
    if dry_run:
        console.print("The roster is valid; nothing was changed (--dry-run).")
        return
    summary = Table(title=f"Imported {folder}")
    for column in ("", "created", "updated", "deactivated"):
        summary.add_column(column)
    for kind in ("orgs", "users", "classes", "enrollments"):
        summary.add_row(
            kind, str(result.created[kind]), str(result.updated[kind]), str(result.deactivated[kind])
        )
    console.print(summary)
    if result.skipped_guardians:
        console.print(
            f"Skipped {result.skipped_guardians} guardian row(s): guardians are not people in schoolchat."
        )


async def _import_roster(
    settings: Settings, folder: Path, dry_run: bool, progress: RosterProgress
) -> Imported:
    db = Database(settings.effective_database_url)
    try:
        return await import_roster(
            Services(settings, db, MemoryBus()), folder, dry_run=dry_run, progress=progress
        )
    finally:
        await db.dispose()
