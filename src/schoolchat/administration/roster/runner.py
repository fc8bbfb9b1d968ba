"""Running uploaded rosters in the background of the process that received them.

The upload is saved and unpacked (in a worker thread) under ``data_dir/roster-imports/``, a job row is started
(409 while another runs for the org), and a task imports the folder through ``import_roster``, the code path of
``schoolchat import-roster``, recording progress in the job after every committed batch. The folder is removed
when the task ends, whatever the outcome.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from schoolchat.administration.roster import jobs
from schoolchat.administration.roster.apply import import_roster
from schoolchat.administration.roster.archive import unpack
from schoolchat.administration.roster.texts import INTERRUPTED, STOPPED
from schoolchat.services import Services

log = logging.getLogger(__name__)


class RosterImports:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._tasks: dict[int, asyncio.Task[None]] = {}

    @property
    def _root(self) -> Path:
        root = self.services.settings.data_dir / "roster-imports"
        root.mkdir(parents=True, exist_ok=True)
        return root

    async def upload(self, org_id: int, by: int, filename: str, chunks: AsyncIterator[bytes]) -> Any:
        """Save and unpack the zip, start its job and its task; returns the job row."""
        work = Path(tempfile.mkdtemp(dir=self._root))
        try:
            archive, folder = work / "upload.zip", work / "roster"
            folder.mkdir()
            with archive.open("wb") as target:
                async for chunk in chunks:
                    target.write(chunk)
            await asyncio.to_thread(unpack, archive, folder, self.services.settings.roster_max_unpacked_bytes)
            job = await jobs.start(self.services, org_id, by, filename or "roster.zip")
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        self._tasks[job.id] = asyncio.create_task(
            self._run(job.id, work, org_id, by), name=f"roster-import-{job.id}"
        )
        return job

    async def _run(self, job_id: int, work: Path, org_id: int, by: int) -> None:
        written: dict[str, int] = {}

        async def progress(step: str, done: int, _: int) -> None:
            if step == "validated":
                await jobs.record_progress(self.services, job_id, validated=done)
            else:
                written[step] = done
                await jobs.record_progress(self.services, job_id, written=sum(written.values()))

        try:
            result = await import_roster(
                self.services, work / "roster", by=by, within=org_id, progress=progress
            )
            await jobs.finish(self.services, job_id, result)
        except asyncio.CancelledError:
            await jobs.fail(self.services, job_id, INTERRUPTED)
            raise
        except jobs.JobLost:
            log.warning("roster import %s was given up as stale while it ran; it stopped", job_id)
        except Exception:
            log.exception("roster import %s failed", job_id)  # the job says it stopped; the log says why
            await jobs.fail(self.services, job_id, STOPPED)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            self._tasks.pop(job_id, None)

    async def wait(self) -> None:
        """Until every import this process runs has ended (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await self.wait()
