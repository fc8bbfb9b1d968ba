"""Request and response shapes of single sign-on. The client secret is write-only: it goes in, never out."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from schoolchat.i18n.catalog import text
from schoolchat.inputs import Body
from schoolchat.sso.policy import LinkBy

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class IdentityProviderIn(Body):
    name: str = Field(min_length=1, max_length=100, description='shown as "Sign in with <name>", e.g. Feide')
    issuer: str = Field(
        min_length=8,
        max_length=500,
        description="the provider's issuer URL, exactly as its discovery document names it",
    )
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="write-only; leave out on a change to keep the stored one",
    )
    link_by: LinkBy = Field(
        description="what the linking claim holds: a roster sourcedId, a username, or an "
        "email address (used only when the provider sets email_verified)"
    )
    link_claim: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="the id_token claim to read; by default sub, preferred_username "
        "or email for the three kinds of link",
    )
    extra_scopes: str = Field(
        "",
        max_length=500,
        pattern=r"^[\x21-\x7e ]*$",
        description='scopes to ask for besides "openid profile email", space-separated',
    )
    password_login: bool = Field(
        True, description="whether this org's people may still log in with a password"
    )

    @field_validator("issuer")
    @classmethod
    def _https(cls, issuer: str) -> str:
        """Providers are reached over HTTPS; plain HTTP only on this machine (development and tests)."""
        parts = urlsplit(issuer)
        if parts.query or parts.fragment or not parts.hostname:
            raise ValueError(text("sso.issuer_not_plain"))
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
            raise ValueError(text("sso.issuer_not_https"))
        return issuer


class IdentityProviderOut(BaseModel):
    org_id: int
    name: str
    issuer: str
    client_id: str
    client_secret_set: bool = Field(description="a secret is stored (it is never returned)")
    link_by: LinkBy
    link_claim: str
    extra_scopes: str
    password_login: bool
    redirect_uri: str = Field(description="the redirect URI to register with the provider")


class SignInChoice(BaseModel):
    """One entry of the login page's school picker."""

    org_id: int
    org_name: str
    provider: str
    button: str = Field(description='"Sign in with <provider>"')
    login_url: str


class LogoutOut(BaseModel):
    end_session_url: str | None = Field(
        description="the provider's end-session URL, for a session it signed in"
    )
