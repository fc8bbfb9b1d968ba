"""No user-visible English left in the server's code: every sentence a person reads comes from the catalog.

The rule: a string literal in ``src/schoolchat`` (an f-string's literal parts included) that holds two words side
by side ("was not found", "Only you") is a sentence, unless it is
- a docstring, or the text of a log record (``log``/``logger``/``logging`` calls): for whoever runs the server;
- a programmer's error: the message of a built-in exception raised (``raise TypeError(...)``), which no person
  in the product reads (what they read is an ``ApiError``, whose sentence comes from the catalog);
- the OpenAPI's own documentation (``summary=``, ``description=``, ``examples=`` and the like, as keywords or
  as a dict's keys);
- HTML markup (tags and their attributes; the text between them counts);
- a code that names a thing, all lowercase and three words at most: a details' ``object`` ("course or
  project"), a rule's source ("this org"), a link's ``rel`` ("noopener noreferrer nofollow");
- in a module for operators and programmers only (OPERATORS_ONLY);
- on a line marked ``# i18n-exempt: <why>`` (a value never shown, or words a protocol prescribes).
Names and data (people, courses, messages) arrive at run time and are not literals.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "schoolchat"
# Read by whoever runs the server or writes a client, never by a pupil, a teacher or an admin in the product.
OPERATORS_ONLY = (
    "app.py",  # the wiring: names of housekeeping jobs for the log, the OpenAPI's description
    "cli.py",  # the operator's command line
    "config.py",  # settings and their startup warnings
    "logs.py",
    "metrics.py",
    "openapi.py",
    "periodic.py",
    "statuses.py",  # the success statuses' descriptions in the OpenAPI document
    "db/",  # SQL, and the migrations' comments on columns
    "administration/demo.py",  # the demo school's sample people and messages
    "realtime/signalr/",  # the SignalR protocol's violations, for a client library's programmer
    "realtime/frames.py",  # the WebSocket protocol's (RFC 6455) violations, likewise
)
# Tables: their CHECK constraints and ON DELETE rules are SQL.
TABLES = "models.py"
DOCUMENTATION = {
    "summary",
    "description",
    "help",
    "examples",
    "title",
    "deprecated",
    "response_description",
    "tags",
    "pattern",
}
LOGGING = {"log", "logger", "logging"}
TWO_WORDS = re.compile(r"[A-Za-z]{2,}[ \t]+[A-Za-z]{2,}")
CODE = re.compile(r"[a-z-]+( [a-z-]+){0,2}")
BUILT_IN_ERRORS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}
MARKUP = re.compile(r"<[^>]*(>|$)")  # a tag and its attributes (an f-string's part may end inside one)


def _exempt_nodes(tree: ast.AST) -> set[int]:
    """The ids of string nodes that are not product text: docstrings, log records, documentation keywords."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.add(id(first.value))
        if (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and isinstance(node.exc.func, ast.Name)
            and node.exc.func.id in BUILT_IN_ERRORS
        ):
            exempt.update(id(part) for part in ast.walk(node.exc))
        if isinstance(node, ast.Call):
            func = node.func
            owner = func.value if isinstance(func, ast.Attribute) else None
            logger = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if logger in LOGGING:  # log.info(...), self.logger.error(...)
                exempt.update(id(part) for arg in node.args for part in ast.walk(arg))
            for keyword in node.keywords:
                if keyword.arg in DOCUMENTATION:
                    exempt.update(id(part) for part in ast.walk(keyword.value))
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in DOCUMENTATION:
                    exempt.update(id(part) for part in ast.walk(value))
    return exempt


def offences(path: Path) -> list[str]:
    source = path.read_text()
    marked = {number for number, line in enumerate(source.splitlines(), 1) if "i18n-exempt" in line}
    tree = ast.parse(source, str(path))
    exempt = _exempt_nodes(tree)
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in exempt
        and node.lineno not in marked
        and TWO_WORDS.search(MARKUP.sub(" ", node.value))
        and not CODE.fullmatch(node.value)
    ]


def _product_modules() -> list[Path]:
    return [
        path
        for path in sorted(SOURCE.rglob("*.py"))
        if not str(path.relative_to(SOURCE)).startswith(OPERATORS_ONLY) and path.name != TABLES
    ]


def test_the_server_has_no_user_visible_literal_sentence() -> None:
    assert [offence for path in _product_modules() for offence in offences(path)] == []


def test_the_rule_finds_a_sentence_and_spares_what_is_not_one(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text(
        '"""A docstring."""\n'
        'import logging\n'
        'logger = logging.getLogger(__name__)\n'
        'def f(name: str) -> str:\n'
        '    logger.info("job %s failed", name)\n'
        '    route(summary="Send a message")\n'
        '    ok = "reads_not_available", "course or project", {"description": "Too many"}\n'
        '    marked = "not shown anywhere"  # i18n-exempt: a test\n'
        '    if not name:\n'
        '        raise TypeError(f"name is {name!r}: the caller passes one")\n'
        '    page = f\'<p class="note big">{name}</p><p>Try again</p>\'\n'
        '    return f"The {name} was not found."\n'
    )
    assert [offence.split(": ", 1)[1] for offence in offences(module)] == [
        "'</p><p>Try again</p>'",
        "' was not found.'",
    ]
