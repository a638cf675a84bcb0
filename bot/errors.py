"""Errors the domain raises for bad input.

A :class:`UserError` carries a message written for the member who typed the command; the
central error handler shows it ephemerally and nothing is changed. Anything else that escapes
a command is a bug: it is logged with its traceback and the member gets an apology with an id.
"""


class UserError(Exception):
    """Bad input or a request that cannot be honoured; the message is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserError):
    """The thing the user named does not exist (in this server)."""


class PermissionDenied(UserError):
    """The user may not do this (e.g. an organiser-only action)."""
