"""API shapes for roster uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from schoolchat.administration.roster.texts import error_message, failure_message
from schoolchat.kinds import RosterJobStatus


class RosterErrorOut(BaseModel):
    file: str
    line: int = Field(description="1 is the header line; 0 when the problem is the file as a whole.")
    column: str
    code: str = Field(description="What the problem is, for a program; ``message`` says it to a person.")
    message: str = Field(description="The problem in the reader's language.")


class RosterSummaryOut(BaseModel):
    """What a finished import changed, counted per kind (orgs, users, classes, enrollments)."""

    created: dict[str, int]
    updated: dict[str, int]
    deactivated: dict[str, int]
    skipped_guardians: int = Field(
        description="Guardian, parent and relative rows: not people here, so not imported."
    )


class RosterJobOut(BaseModel):
    id: int
    org_id: int
    filename: str
    status: RosterJobStatus
    rows_total: int = Field(description="Rows of the roster, known once it has been read and checked.")
    rows_validated: int
    rows_written: int
    progress: float = Field(description="0 to 1: the share of rows written.")
    error_count: int = Field(description="Problems found; when any, nothing was written.")
    errors: list[RosterErrorOut] = Field(description="The first 1000 problems, each located.")
    summary: RosterSummaryOut | None = Field(description="When done.")
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
            errors=[
                RosterErrorOut(
                    file=error["file"],
                    line=error["line"],
                    column=error["column"],
                    code=error["code"],
                    message=error_message(error["code"], error["params"]),
                )
                for error in job.errors or []
            ],
            summary=None if job.summary is None else RosterSummaryOut.model_validate(job.summary),
            failure=failure_message(job.failure) if job.failure else None,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )
