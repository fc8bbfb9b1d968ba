"""Imports every domain's tables so that ``metadata`` knows them all (for Alembic and tests)."""

from schoolchat.administration.roster import models as roster_models
from schoolchat.attachments import models as attachment_models
from schoolchat.auth import models as auth_models
from schoolchat.conversations import models as conversation_models
from schoolchat.db.metadata import metadata
from schoolchat.lti import models as lti_models
from schoolchat.massmessages import models as mass_message_models
from schoolchat.messages import models as message_models
from schoolchat.moderation import models as moderation_models
from schoolchat.notifications import models as notification_models
from schoolchat.people import models as people_models
from schoolchat.privacy import models as privacy_models
from schoolchat.realtime import models as realtime_models
from schoolchat.safeguarding import models as safeguarding_models
from schoolchat.sso import models as sso_models

__all__ = [
    "attachment_models",
    "auth_models",
    "conversation_models",
    "lti_models",
    "mass_message_models",
    "message_models",
    "metadata",
    "moderation_models",
    "notification_models",
    "people_models",
    "privacy_models",
    "realtime_models",
    "roster_models",
    "safeguarding_models",
    "sso_models",
]
