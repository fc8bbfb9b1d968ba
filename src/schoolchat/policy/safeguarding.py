"""The safeguarding lead: who may designate one, and who may escalate a report or read a pupil's report history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from schoolchat import error_texts
from schoolchat.i18n.catalog import text
from schoolchat.policy.admin import may_grant
from schoolchat.policy.decision import ALLOWED, Decision, Denied

LEAD_ROLES = ("teacher", "admin")


def may_lead(role_in_school: str | None) -> bool:
    """The lead reads pupils' reports, so only staff of that school (a teacher or an admin there) can be one."""
    return role_in_school in LEAD_ROLES


def may_designate_lead(
    actor_id: int,
    actor_roles: Mapping[int, str],
    grantee_id: int,
    grantee_org_chains: Sequence[Sequence[int]],
    role_in_school: str | None,
) -> Decision:
    """Like any privilege (``policy.admin.may_grant``): given and taken away by another admin of every org the
    person holds a role in, never by the person; and only to one who ``may_lead``."""
    decision = may_grant(actor_id, actor_roles, grantee_id, grantee_org_chains)
    if isinstance(decision, Denied):
        return decision
    if not may_lead(role_in_school):
        return Denied("not_staff_of_school", text("policy.safeguarding.staff_only"), 409)
    return ALLOWED


def may_escalate(*, is_lead: bool, status: str, note: str) -> Decision:
    """Only a safeguarding lead the report went to escalates it, with a note saying what was done; an escalated
    report stays open until it is reviewed or dismissed."""
    if not is_lead:
        return Denied("not_safeguarding_lead", text("policy.safeguarding.lead_only"), 403)
    if status != "open":
        return Denied("report_not_open", text("policy.safeguarding.open_only"), 409)
    if not note.strip():
        return Denied("note_required", text("policy.safeguarding.note_required"), 422, {"field": "note"})
    return ALLOWED


def may_read_pupil_history(*, leads_a_school_of_pupil: bool) -> Decision:
    """A lead reads the report history of pupils of the schools they lead; anyone else is told the person is not
    there, as for any object they cannot see."""
    if leads_a_school_of_pupil:
        return ALLOWED
    return Denied("not_found", error_texts.not_found("user"), 404, {"object": "user"})
