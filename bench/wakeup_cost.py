"""What waking up from idle costs this machine, in CPU charged to the process that wakes (issue 17).

A fixed piece of Python work (about what a small request's own code does) runs many times on uvloop, as the
service runs, once back to back and then with the loop idle for a gap between pieces, as a server is between one
client's sequential requests or while it waits for its database's answer. The CPU the process is charged
(``time.process_time``) per piece is compared: whatever the gap adds is what a wake-up from idle costs here
(the virtual CPU's halt and resume, caches refilled after other processes ran). A sequential send waits several
times (the request, each database round trip), so its CPU figure carries that cost several times; a busy
server, which rarely idles, does not pay it.

    .venv/bin/python bench/wakeup_cost.py [--pieces 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import uvloop
from rich.console import Console
from rich.table import Table

import timing

GAPS_MS = (0.0, 0.1, 0.5, 2.0, 10.0)
MESSAGE = {"id": 1, "conversation_id": 7, "seq": 42, "sender": {"id": 3, "name": "Ada Lovelace"},
           "body": "Could you check question 4 of the homework?", "created_at": "2026-12-02T10:00:00Z"}


def piece() -> int:
    """About 0.1 ms of interpreter work on an idle core: encode and decode a message, and a little arithmetic."""
    total = 0
    for _ in range(20):
        total += len(json.loads(json.dumps(MESSAGE)))
    for number in range(600):
        total += number * number
    return total


async def charged(pieces: int, gap_ms: float) -> float:
    """CPU ms charged per piece with the loop idle ``gap_ms`` after each (0: back to back, never idle)."""
    for _ in range(50):
        piece()
    began = time.process_time()
    for _ in range(pieces):
        piece()
        if gap_ms:
            await asyncio.sleep(gap_ms / 1000)
    return (time.process_time() - began) * 1000 / pieces


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pieces", type=int, default=2000)
    args = parser.parse_args()
    before = timing.load_average()
    table = Table(title="CPU charged per piece of work, by the idle gap after each")
    for column in ("idle gap ms", "cpu ms/piece", "added by the wake-up ms"):
        table.add_column(column, justify="right")
    busy = await charged(args.pieces, 0.0)
    for gap in GAPS_MS:
        cost = busy if gap == 0 else await charged(args.pieces, gap)
        table.add_row(f"{gap:g}", f"{cost:.3f}", "" if gap == 0 else f"{cost - busy:.3f}")
    table.caption = timing.load_caption({"load_average": before, "load_average_after": timing.load_average()})
    Console().print(table)


if __name__ == "__main__":
    uvloop.run(main())
