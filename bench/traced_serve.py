"""``schoolchat serve`` with tracemalloc on: SIGUSR1 writes a snapshot to ``$TRACED_SNAPSHOT.<n>``.

Used by ``realtime_load.py idle --traced`` to find where an idle connection's bytes go; tracing slows the
server, so figures of a traced run are not the ones to publish.
"""

from __future__ import annotations

import os
import signal
import tracemalloc
from types import FrameType

from schoolchat.cli import app

_taken = 0


def _snapshot(_signum: int, _frame: FrameType | None) -> None:
    global _taken
    _taken += 1
    tracemalloc.take_snapshot().dump(f"{os.environ['TRACED_SNAPSHOT']}.{_taken}")


if __name__ == "__main__":
    tracemalloc.start(int(os.environ.get("TRACED_FRAMES", "12")))
    signal.signal(signal.SIGUSR1, _snapshot)
    app()
