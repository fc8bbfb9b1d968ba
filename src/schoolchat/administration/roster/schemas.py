"""API shapes for roster uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class RosterErrorOut(BaseModel):
    file: str
    line: int = Field(description="1 is the header line; 0 when the problem is the file as a whole.")
    column: str
    message: str


class RosterJobOut(BaseModel):
    id: int
    org_id: int
    filename: str
    status: Literal["validating", "writing", "done", "failed"]
    rows_total: int = Field(description="Rows of the roster, known once it has been read and checked.")
    rows_validated: int
    rows_written: int
    progress: float = Field(description="0 to 1: the share of rows written.")
    error_count: int = Field(description="Problems found; when any, nothing was written.")
    errors: list[RosterErrorOut] = Field(description="The first 1000 problems, each located.")
    summary: dict[str, Any] | None = Field(
        description="When done: created, updated and deactivated, per kind."
    )
    failure: str | None = Field(description="Why the job stopped, when it was not the roster's rows.")
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Any) -> RosterJobOut:
        progress = (
            1.0
            if job.status == "done"
            else (min(job.rows_written / job.rows_total, 0.99) if job.rows_total else 0.0)
        )
        return cls(
            id=job.id,
            org_id=job.org_id,
            filename=job.filename,
            status=job.status,
            rows_total=job.rows_total,
            rows_validated=job.rows_validated,
            rows_written=job.rows_written,
            progress=progress,
            error_count=job.error_count,
            errors=[RosterErrorOut(**error) for error in job.errors or []],
            summary=job.summary,
            failure=job.failure,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )
