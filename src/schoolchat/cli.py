"""The ``schoolchat`` command: serve, demo, migrate, create-admin."""

from __future__ import annotations

import asyncio
import getpass

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from schoolchat.app import create_app
from schoolchat.auth.passwords import hash_password
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.people import actions as people_actions
from schoolchat.people import demo
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services

app = typer.Typer(help="schoolchat: real-time messaging for schools.", no_args_is_help=True)
console = Console()


def _serve(settings: Settings, host: str, port: int) -> None:
    uvicorn.run(create_app(settings), host=host, port=port, loop="uvloop", http="httptools",
                log_level="info", proxy_headers=True)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = Settings()
    upgrade(settings.effective_database_url)
    console.print(f"Database is up to date: {settings.effective_database_url}")


@app.command()
def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000),
          migrate_first: bool = typer.Option(False, "--migrate", help="Run migrations before serving.")) -> None:
    """Run the service (the database must be migrated; see `schoolchat migrate`)."""
    settings = Settings()
    try:
        settings.check_secret()
    except RuntimeError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if migrate_first:
        upgrade(settings.effective_database_url)
    _serve(settings, host, port)


@app.command("demo")
def run_demo(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000),
             seed_only: bool = typer.Option(False, "--seed-only", help="Create the demo school, don't serve.")) -> None:
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
def create_admin(username: str = typer.Option(..., help="Login name."),
                 name: str = typer.Option(..., help="Display name."),
                 org: str = typer.Option("School District", help="Name of the top-level org to create."),
                 password: str = typer.Option("", help="Asked for when not given.")) -> None:
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
            org_id = await people_actions.insert_org(tx, name=org, kind="district", parent_id=None)
            user_id = await people_actions.insert_user(tx, username=username, password_hash=hash_password(password),
                                                       name=name, title="Administrator")
            await people_actions.put_role(tx, user_id, org_id, "admin")
            return user_id
    finally:
        await db.dispose()
