"""API shapes of the LTI administration: platform registrations and the tool's own addresses."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, model_validator

from schoolchat.answers import Answer
from schoolchat.i18n.catalog import text
from schoolchat.inputs import Body

LOOPBACK_HOSTS = frozenset({"localhost"})
# A host (name, IPv4 or bracketed IPv6) and port: nothing that could end a Content-Security-Policy directive.
HOST_AND_PORT = re.compile(r"([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in LOOPBACK_HOSTS


def _web_url(value: str) -> str:
    """An https URL (http only on this machine's loopback, for trying things out) without a fragment."""
    parts = urlsplit(value.strip())
    if (
        not parts.hostname
        or parts.fragment
        or "@" in parts.netloc
        or not HOST_AND_PORT.fullmatch(parts.netloc.lower())
    ):
        raise ValueError(text("lti.url_not_absolute"))
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
        raise ValueError(text("lti.url_not_https"))
    return value.strip()


def _origin(value: str) -> str:
    """scheme://host[:port], as a browser names the page that frames schoolchat."""
    parts = urlsplit(_web_url(value))
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(text("lti.not_an_origin"))
    return f"{parts.scheme}://{parts.netloc.lower()}"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


WebUrl = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_web_url)]
Origin = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_origin)]
DeploymentId = Annotated[str, Field(min_length=1, max_length=255)]
IdSource = Literal["platform", "lis"]


class PlatformFields(Body):
    name: str = Field(min_length=1, max_length=200)
    issuer: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_web_url)]
    client_id: str = Field(min_length=1, max_length=255)
    deployment_ids: list[DeploymentId] = Field(min_length=1, max_length=100)
    jwks_url: WebUrl
    auth_login_url: WebUrl
    auth_token_url: Annotated[str, Field(max_length=1000)] = ""
    id_source: IdSource = Field(
        "platform",
        description="platform: the roster came from the platform (`sub`, "
        "`context.id`); lis: from the same SIS (lis person and course section sourcedIds)",
    )
    frame_origins: list[Origin] = Field(
        default_factory=list,
        max_length=20,
        description="origins of the platform's pages that frame schoolchat; "
        "the issuer's origin when left empty",
    )


class PlatformIn(PlatformFields):
    @model_validator(mode="after")
    def _defaults(self) -> PlatformIn:
        if self.auth_token_url:
            _web_url(self.auth_token_url)
        if not self.frame_origins:
            self.frame_origins = [origin_of(self.issuer)]
        self.deployment_ids = list(dict.fromkeys(self.deployment_ids))
        return self


class PlatformChanges(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    client_id: str | None = Field(default=None, min_length=1, max_length=255)
    deployment_ids: list[DeploymentId] | None = Field(default=None, min_length=1, max_length=100)
    jwks_url: WebUrl | None = None
    auth_login_url: WebUrl | None = None
    auth_token_url: WebUrl | None = None
    id_source: IdSource | None = None
    frame_origins: list[Origin] | None = Field(default=None, min_length=1, max_length=20)


class PlatformOut(PlatformFields, Answer):
    id: int
    org_id: int
    created_at: datetime
    updated_at: datetime


class ToolOut(BaseModel):
    """What a platform's administrator enters when registering schoolchat there."""

    login_url: str = Field(description="OpenID Connect login initiation URL")
    launch_url: str = Field(description="redirect URI and target link URI of the launch")
    jwks_url: str = Field(description="the tool's public key set")
