"""Slack's failures in the domain's words: the one translation to `PublishError`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.practice.ports import PublishError
from bot.slack.gateway import WorkspaceNotInstalled

# Slack errors after which retrying the same call cannot succeed: the channel is paused.
PERMANENT_CHANNEL_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
        "restricted_action",
        "team_access_not_granted",
        "not_authed",
    }
)

# What a Web API call can raise: Slack said no, the SDK failed, or the network did.
SLACK_FAILURES = (SlackApiError, SlackClientError, OSError)


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (`channel_not_found`...) of a refused call."""
    return str(exc.response.get("error") or "unknown")


def publish_error(error: str) -> PublishError:
    """The domain's `PublishError` for Slack's error code `error`."""
    return PublishError(error, permanent=error in PERMANENT_CHANNEL_ERRORS)


@contextmanager
def publish_errors() -> Iterator[None]:
    """Raise any Slack failure inside as `PublishError` (permanent when retrying cannot help)."""
    try:
        yield
    except WorkspaceNotInstalled as exc:
        raise PublishError("workspace not installed", permanent=True) from exc
    except SlackApiError as exc:
        raise publish_error(slack_error(exc)) from exc
    except (SlackClientError, OSError) as exc:
        raise PublishError(type(exc).__name__, permanent=False) from exc
