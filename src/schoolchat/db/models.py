"""Imports every domain's tables so that ``metadata`` knows them all (for Alembic and tests)."""

from schoolchat.auth import models as auth_models
from schoolchat.conversations import models as conversation_models
from schoolchat.db.metadata import metadata
from schoolchat.messages import models as message_models
from schoolchat.people import models as people_models
from schoolchat.realtime import models as realtime_models

__all__ = ["metadata", "auth_models", "conversation_models", "message_models", "people_models", "realtime_models"]
