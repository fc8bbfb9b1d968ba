"""Who is offered the Reports inbox: teachers and admins, of a school or of a course or project."""

from __future__ import annotations

from schoolchat.kinds import SchoolRole, SpaceRole
from schoolchat.policy.moderation import reviews_reports


def test_a_teacher_of_a_course_reviews_reports_whatever_their_school_role() -> None:
    assert reviews_reports([SchoolRole.STUDENT], [SpaceRole.TEACHER])


def test_a_student_everywhere_reviews_no_reports() -> None:
    assert not reviews_reports([SchoolRole.STUDENT], [SpaceRole.STUDENT, SpaceRole.STUDENT])
