"""`schoolchat serve` holds as many sockets as the system allows: it raises its own open files limit to the hard
limit, so a service manager's low soft limit (systemd's 1,024) does not silence the service for the 1,021st pupil
online."""

from __future__ import annotations

import resource
from pathlib import Path

from schoolchat.cli import OPEN_FILES_CEILING
from schoolchat.config import Settings
from tests.realtime.processes import ServeProcess


def _soft_open_files(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise AssertionError("no open files limit in /proc")


async def test_serve_raises_a_low_open_files_limit_to_the_hard_limit(
    settings: Settings, tmp_path: Path
) -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    server = ServeProcess(
        {
            "SCHOOLCHAT_DATABASE_URL": settings.effective_database_url,
            "SCHOOLCHAT_SECRET_KEY": settings.secret_key,
            "SCHOOLCHAT_DATA_DIR": str(tmp_path),
        },
        open_files=256,
    )
    await server.start()
    try:
        assert server.process is not None
        expected = OPEN_FILES_CEILING if hard == resource.RLIM_INFINITY else hard
        assert _soft_open_files(server.process.pid) == expected > 256
    finally:
        await server.stop()
