"""The designated safeguarding leads of each school.

A table of its own rather than a fourth ``org_roles`` role: ``org_roles`` holds one role per (person, org), and a
lead keeps their role (usually teacher, sometimes admin) — being the lead is a duty added to it, given and taken
away by another admin of the school, not a rank. A school may designate more than one (a deputy).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, Table

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

safeguarding_leads = Table(
    "safeguarding_leads",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("granted_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("granted_at", UTCDateTime, nullable=False),
    Index("ix_safeguarding_leads_user", "user_id"),
)
