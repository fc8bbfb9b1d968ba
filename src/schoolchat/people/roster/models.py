"""Which local object each OneRoster ``sourcedId`` became, so that importing again updates instead of adding.

``kind`` is the OneRoster object type (org, user, class, course, academicSession, enrollment). ``local_id`` is the
org, user or space id (an enrollment: the user), ``parent_id`` the space of an enrollment. Courses and academic
sessions have no local object (classes become courses here) and keep ``local_id`` null.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table

from schoolchat.db.metadata import metadata

roster_ids = Table(
    "roster_ids",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("sourced_id", String(255), primary_key=True),
    Column("local_id", Integer, nullable=True),
    Column("parent_id", Integer, nullable=True),
    Column("deleted", Boolean, nullable=False, server_default="0"),
    Index("ix_roster_ids_local", "kind", "local_id"),
)
