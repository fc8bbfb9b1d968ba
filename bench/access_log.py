"""CPU of the structured access log per request (issue 11): ``GET /healthz`` driven through the ASGI app in-process,
with the log at ``info`` (one JSON or console line per request, redacted, written to /dev/null) against
``warning`` (the line is skipped after one level check). The difference is what a line costs.

    .venv/bin/python bench/access_log.py --requests 20000
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from timing import load_average

from schoolchat import logs
from schoolchat.app import create_app
from schoolchat.config import Settings


async def _per_request_us(app: object, requests: int) -> float:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "path": "/healthz",
             "raw_path": b"/healthz", "query_string": b"", "root_path": "", "scheme": "http",
             "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_: dict[str, object]) -> None:
        pass

    for _ in range(500):  # warm up
        await app(dict(scope), receive, send)  # type: ignore[operator]
    started = time.process_time()
    for _ in range(requests):
        await app(dict(scope), receive, send)  # type: ignore[operator]
    return (time.process_time() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    before = load_average()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(demo=True, data_dir=Path(folder)))
        sys.stderr = open(os.devnull, "w")  # the handler writes here
        results = {}
        for level, log_format in (("warning", "json"), ("info", "json"), ("info", "console"), ("warning", "json")):
            logs.configure(level, log_format)  # type: ignore[arg-type]
            results.setdefault((level, log_format), []).append(asyncio.run(_per_request_us(app, args.requests)))
        sys.stderr = sys.__stderr__
    for (level, log_format), runs in results.items():
        print(f"{level:8} {log_format:8} " + " ".join(f"{run:.1f}" for run in runs) + " µs per request")
    print(f"load average {before} before, {load_average()} after")
    logging.shutdown()


if __name__ == "__main__":
    main()
