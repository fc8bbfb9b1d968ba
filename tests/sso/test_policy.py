"""The pure rules of single sign-on (sso/policy.py)."""

from __future__ import annotations

from schoolchat.policy.decision import ALLOWED, Denied
from schoolchat.sso.policy import link_value, may_use_password

DISTRICT, SCHOOL = 1, 2
CHAIN = [[SCHOOL, DISTRICT]]


def test_an_email_claim_counts_only_when_the_provider_verified_it() -> None:
    assert link_value({"email": "Ann@X.example", "email_verified": True}, "email", "email") == "ann@x.example"
    for verified in (False, "true", None):
        assert link_value({"email": "ann@x.example", "email_verified": verified}, "email", "email") is None


def test_a_missing_or_blank_linking_claim_links_nobody() -> None:
    assert link_value({}, "username", "preferred_username") is None
    assert link_value({"preferred_username": "  "}, "username", "preferred_username") is None
    assert link_value({"preferred_username": 7}, "username", "preferred_username") is None


def test_password_login_is_refused_below_an_org_that_switched_it_off() -> None:
    for off in ({SCHOOL: "Feide"}, {DISTRICT: "Feide"}):
        decision = may_use_password({SCHOOL: "student"}, CHAIN, off)
        assert isinstance(decision, Denied) and decision.code == "password_login_disabled"
    assert may_use_password({SCHOOL: "student"}, CHAIN, {}) == ALLOWED


def test_admins_of_the_switched_off_org_or_above_keep_their_password() -> None:
    assert may_use_password({SCHOOL: "admin"}, CHAIN, {SCHOOL: "Feide"}) == ALLOWED
    assert may_use_password({DISTRICT: "admin"}, [[DISTRICT]], {DISTRICT: "Feide"}) == ALLOWED
    # a school's admin does not configure the district's provider, so does not keep a password past it
    assert isinstance(may_use_password({SCHOOL: "admin"}, CHAIN, {DISTRICT: "Feide"}), Denied)
