"""What can go wrong in the store, each error with a message written for the gym member or trainer.

Pages catch :class:`StoreError` (or one of its kinds) and show ``str(error)``; they catch
nothing else. The kinds also inherit the matching built-in where one exists
(:class:`InvalidInput` is a ``ValueError``, :class:`NotAllowed` a ``PermissionError``), so code
that knows nothing of the store can still catch them.
"""

from __future__ import annotations

import math
from typing import Literal


class StoreError(Exception):
    """The store could not do what was asked; ``str(error)`` is for the learner or trainer."""


class InvalidInput(StoreError, ValueError):
    """A value typed or chosen is not acceptable.

    ``field`` names the input (``"username"``, ``"password"``, ``"display_name"``, ``"title"``,
    ...) so a page can show the message beside it; the message names it too.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UsernameTaken(InvalidInput):
    """Someone already has this username (compared ignoring case)."""

    def __init__(self) -> None:
        super().__init__("username", "That username is taken. Pick another one.")


class WrongCredentials(StoreError):
    """Unknown username or wrong password: the same message for both, so neither is revealed."""

    def __init__(self) -> None:
        super().__init__("That username and password don't match. Check both and try again.")


class SignInThrottled(StoreError):
    """Too many wrong tries lately for this username or from this client: the try was not even
    checked, and may be made again in ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = max(0.0, float(retry_after_s))
        if self.retry_after_s < 90:
            seconds = max(1, math.ceil(self.retry_after_s))
            wait = f"{seconds} second{'s' if seconds != 1 else ''}"
        else:
            minutes = math.ceil(self.retry_after_s / 60)
            wait = f"{minutes} minutes"
        super().__init__(
            "There have been many wrong tries lately, for this username or from this network. To keep "
            f"accounts safe, wait {wait} before trying again. On a phone or computer you have signed "
            "in with before, you aren't slowed down."
        )


NOT_ALLOWED = "We couldn't find that, or it isn't yours to open."


class NotAllowed(StoreError, PermissionError):
    """The record does not exist, or the acting account may not see or change it.

    Both cases give the same message, so a made-up id reveals nothing about other people's
    records. A few role mistakes (a member creating a group) say what is wrong instead,
    since they reveal nothing either.
    """

    def __init__(self, message: str = NOT_ALLOWED) -> None:
        super().__init__(message)


UnavailableReason = Literal["busy", "read_only", "damaged", "unreachable", "newer", "setup", "missing", "replaced"]


class StoreUnavailable(StoreError):
    """The database can't be used (or, with ``reason == "read_only"``, can't be written).

    ``reason`` lets a page choose what to show: ``busy`` (locked by another program),
    ``read_only`` (the file or folder can't be written), ``damaged`` (not a database),
    ``unreachable`` (the database server does not answer), ``newer`` (set up by a newer
    version of the course), ``setup`` (the data folder or DATABASE_URL is wrong), ``missing``
    (the SQLite file the course made is gone or emptied), ``replaced`` (the file was deleted or
    swapped under the running server).
    ``detail`` is the technical cause for the server log; it never holds a password.
    """

    def __init__(self, reason: UnavailableReason, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail
