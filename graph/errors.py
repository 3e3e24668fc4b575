"""Errors that Lockstep reports to people, not as tracebacks.

Every message names what failed and the next step; the CLI and the app print them as they are.
"""

from __future__ import annotations


class LockstepError(Exception):
    """A failure with a message meant for the person at the keyboard."""


class GraphUnavailable(LockstepError):
    """Neo4j cannot be reached (not started, wrong URI, gone away mid-job)."""


class GraphAuthError(LockstepError):
    """Neo4j refused the configured credentials."""


class LocalServerError(LockstepError):
    """The local (embedded) Neo4j could not be started, found or stopped."""
