"""Request and response shapes for logging in and out."""

from __future__ import annotations

from pydantic import BaseModel, Field

from schoolchat.inputs import Body


class Credentials(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class SessionOut(BaseModel):
    user_id: int
    csrf_token: str


class BearerTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    user_id: int
