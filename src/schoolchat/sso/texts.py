"""Every sentence single sign-on shows a person, from the catalog in the reader's language."""

from __future__ import annotations

from schoolchat.i18n.catalog import text


def no_access_title() -> str:
    return text("sso.no_access_title")


def no_access() -> str:
    return text("sso.no_access")


def no_access_hint() -> str:
    return text("sso.no_access_hint")


def deactivated_title() -> str:
    return text("sso.deactivated_title")


def deactivated() -> str:
    return text("sso.deactivated")


def failed_title() -> str:
    return text("sso.failed_title")


def failed() -> str:
    return text("sso.failed")


def failed_hint() -> str:
    return text("sso.failed_hint")


def unavailable() -> str:
    return text("sso.unavailable")


def back_to_login() -> str:
    return text("sso.back_to_login")


def no_provider() -> str:
    return text("sso.no_provider")


def secret_required() -> str:
    return text("sso.secret_required")


def discovery_failed() -> str:
    return text("sso.discovery_failed")


def sign_in_with(provider: str) -> str:
    return text("sso.sign_in_with", provider=provider)


def password_login_off(provider: str) -> str:
    """Password login refused for people of an org whose provider switched it off."""
    return text("sso.password_login_off", provider=provider, button=sign_in_with(provider))


def issuer_mismatch(found: str, configured: str) -> str:
    return text("sso.issuer_mismatch", found=repr(found), configured=repr(configured))
