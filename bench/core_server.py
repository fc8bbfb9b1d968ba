"""``schoolchat serve`` for the sends benchmark, with SQLite's ``synchronous`` setting chosen on the command line.

The service is the same (``create_app`` on uvicorn with uvloop and httptools, as ``cli._serve`` runs it); only
the ``Database`` is built here, because ``synchronous`` is a constructor argument, not a setting.

    .venv/bin/python bench/core_server.py sqlite+aiosqlite:///bench/results/core-sends.db --port 8123 --synchronous NORMAL
"""

from __future__ import annotations

import argparse

import uvicorn

import core_target
from schoolchat.app import create_app
from schoolchat.db import Database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL")
    args = parser.parse_args()
    target = core_target.Target(args.database_url, {})
    app = create_app(target.settings(), db=Database(args.database_url, sqlite_synchronous=args.synchronous))
    uvicorn.run(app, host="127.0.0.1", port=args.port, loop="uvloop", http="httptools", log_level="warning")


if __name__ == "__main__":
    main()
