"""Single sign-on in the browser (issue 12): a school's admin connects the test OpenID provider on the
Administration page, and a student signs in through it and lands in the messages panel."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.sso.openid_provider import OpenIdProvider, openid_provider
from tests.web.conftest import PASSWORD, Login
from tests.web.steps import screenshot

__all__ = ["openid_provider"]


def _org_id(base_url: str, admin: str, name: str) -> int:
    token = httpx.post(f"{base_url}/api/auth/tokens", json={"username": admin, "password": PASSWORD}).json()
    orgs = httpx.get(
        f"{base_url}/api/admin/orgs", headers={"Authorization": f"Bearer {token['access_token']}"}
    ).json()
    return next(org["id"] for org in orgs if org["name"] == name)


def test_a_student_signs_in_through_the_schools_openid_provider_and_lands_in_the_panel(
    login: Login, browser: Browser, base_url: str, openid_provider: OpenIdProvider
) -> None:
    school = _org_id(base_url, "grace.okafor", "Riverside Middle School")
    client = openid_provider.register_client(
        f"{base_url}/sso/{school}/callback", f"{base_url}/login?org={school}"
    )

    admin = login("grace.okafor")
    admin.get_by_role("link", name="Administration").click()
    sso = admin.get_by_role("form", name="Single sign-on")
    sso.get_by_label("Provider name").fill("Test ID")
    sso.get_by_label("Issuer URL").fill(openid_provider.url)
    sso.get_by_label("Client ID").fill(client.client_id)
    sso.get_by_label("Client secret").fill(client.client_secret)
    sso.get_by_role("button", name="Save provider").click()
    expect(admin.locator("#toast")).to_contain_text("Identity provider saved.")
    expect(admin.get_by_text(f"{base_url}/sso/{school}/callback")).to_be_visible()
    expect(sso.get_by_label("Client secret")).to_have_value("")  # write-only: never shown back

    openid_provider.log_in_next(client, "feide-olivia-7a", {"preferred_username": "olivia.berg"})
    context = browser.new_context(base_url=base_url, viewport={"width": 1200, "height": 800})
    try:
        student = context.new_page()
        student.goto(f"/login?org={school}")
        student.get_by_role("link", name="Sign in with Test ID").click()
        expect(student.get_by_role("heading", name="Welcome")).to_be_visible()
        assert student.url == f"{base_url}/"
        student.locator("#chat-button").click()
        expect(student.locator("#panel")).to_be_visible()
        expect(student.get_by_role("button", name="New message")).to_be_visible()
        screenshot(student, "signed-in-with-openid")
    finally:
        context.close()
