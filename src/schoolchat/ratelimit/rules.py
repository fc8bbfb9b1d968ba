"""The named limits: what each one counts, per what, and which setting holds its rate."""

from __future__ import annotations

from enum import StrEnum

from limits import RateLimitItem, RateLimitItemPerDay, parse_many

from schoolchat.config import Settings


class Rule(StrEnum):
    """One limit; its value is the Prometheus label and the ``details.limit`` of a 429."""

    LOGIN_FAILURES_PER_USERNAME = "login_failures_per_username"  # wrong passwords for one username
    LOGIN_FAILURES_PER_ADDRESS = "login_failures_per_address"  # wrong passwords from one client address
    TOKEN_CREATION = "token_creation"  # bearer tokens issued to one person
    SENDS = "sends"  # messages one person sends, forwards or starts a conversation with
    UPLOADS = "uploads"  # files one person uploads
    UPLOAD_BYTES = "upload_bytes"  # bytes one person uploads per day
    REPORTS = "reports"  # abuse reports one person files
    RECIPIENT_SEARCH = "recipient_search"  # recipient look-ups of one person
    MESSAGE_SEARCH = "message_search"  # message searches of one person
    HUB_INVOCATIONS = "hub_invocations"  # calls on one hub connection
    HUB_CONNECTIONS = "hub_connections"  # hub connections one person opens
    PRIVACY_REQUESTS = "privacy_requests"  # data exports one person starts and erasures they ask for
    CHANGES = (
        "changes"  # every write request of one person (edits, renames, participants, read cursors, settings…)
    )
    SAFEGUARDING = "safeguarding"  # escalations and safeguarding-lead designations one person makes
    SETTINGS_CHANGES = "settings_changes"  # changes one person makes to their own settings (language)

    @property
    def setting(self) -> str:
        return "rate_upload_bytes_per_day" if self is Rule.UPLOAD_BYTES else f"rate_{self.value}"

    @property
    def is_local(self) -> bool:
        """Counted in this process's memory even with Redis: a hub connection lives in one process only, so
        sharing its count would cost a round trip per call for nothing."""
        return self is Rule.HUB_INVOCATIONS

    @property
    def counts_amounts(self) -> bool:
        """Counted as a sum of amounts (bytes) rather than one entry per hit: a moving window keeps one entry per
        unit, so this rule uses the sliding window counter (two counters per key) instead."""
        return self is Rule.UPLOAD_BYTES


def items(settings: Settings) -> dict[Rule, list[RateLimitItem]]:
    """Every rule's windows, parsed from the settings (a malformed rate fails at start, not on a request)."""
    parsed: dict[Rule, list[RateLimitItem]] = {}
    for rule in Rule:
        value = getattr(settings, rule.setting)
        parsed[rule] = [RateLimitItemPerDay(value)] if rule.counts_amounts else parse_many(value)
    return parsed
