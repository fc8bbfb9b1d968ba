"""The base of response bodies that are sent whole.

A field with a default is still always in the answer (nothing here is sent with ``exclude_unset``), so the
OpenAPI document lists it as required, and a client generated from it (``ui/schema.ts``) need not guard against
its absence. Event payloads, which leave out what did not change, are plain models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)
