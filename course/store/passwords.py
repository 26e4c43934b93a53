"""Choosing a password, as NIST SP 800-63B (section 3.1.1.2) and OWASP ASVS level 1 (V2.1) ask:
length, not symbol rules; no common or breached password; Unicode normalised; a hint on how
strong it is. No string of this module reaches a log or the database.

    normalised("ﬁnest coffee")     -> "finest coffee" (NFKC: what is hashed and compared)
    checked_new("password", ...)   -> raises InvalidInput("password", "... one of the most common ...")
    hint("tuesday squats at six")  -> PasswordHint("strong", "...")
    BoundedHasher(PasswordHasher(), 2) hashes and verifies at most 2 passwords at once

A password is checked when it is chosen (sign-up, a change, a reset), never when signing in: a
rule added later must not lock anyone out of the password they already have.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher

from course.store import rules
from course.store.errors import InvalidInput

COMMON_PASSWORDS = Path(__file__).with_name("data") / "common-passwords.txt"
SERVICE_WORDS = ("hiphinge", "hiphingecourse", "hingecourse", "thehiphingecourse")
"""The course's own name, which NIST counts among the words a password must not be."""

Strength = Literal["refused", "fair", "good", "strong"]


@dataclass(frozen=True, slots=True)
class PasswordHint:
    """How a password would fare: ``refused`` (the reason is ``text``), ``fair`` (allowed, but
    short), ``good`` or ``strong``; ``text`` is one sentence for the person choosing it."""

    strength: Strength
    text: str


def normalised(password: str) -> str:
    """The password as it is hashed and compared: Unicode NFKC, so the same characters typed on
    another keyboard or phone (a composed 'é' or 'e' plus an accent, a full-width digit, a
    ligature) are the same password (NIST SP 800-63B 5.1.1.2)."""
    return unicodedata.normalize("NFKC", password)


def checked_new(password: object, *, username: str = "", display_name: str = "") -> str:
    """The normalised password, when it may be chosen; else InvalidInput("password") saying why."""
    if not isinstance(password, str):
        raise InvalidInput("password", "Your password must be text.")
    chosen = normalised(password)
    problem = _problem(chosen, username, display_name)
    if problem:
        raise InvalidInput("password", problem)
    return chosen


def hint(password: str, *, username: str = "", display_name: str = "") -> PasswordHint:
    """How strong ``password`` is, for the hint beside the field (it decides nothing)."""
    chosen = normalised(password)
    problem = _problem(chosen, username, display_name)
    if problem:
        return PasswordHint("refused", problem)
    suggested = int(rules.PASSWORD_SUGGESTED_CHARS.value)
    words = len(set(chosen.casefold().split()))
    if len(chosen) < suggested:
        return PasswordHint(
            "fair",
            f"Allowed, but short: {suggested} or more characters are much harder to guess. Try a few words in a row.",
        )
    if len(chosen) >= 2 * suggested - 4 or words >= 4:
        return PasswordHint("strong", "Strong: long and not a common password.")
    return PasswordHint("good", "Good. A word or two more makes it stronger still.")


def _problem(chosen: str, username: str, display_name: str) -> str | None:
    low, high = rules.PASSWORD.min_chars, rules.PASSWORD.max_chars
    if len(chosen) < low:
        return (
            f"Your password needs at least {low} characters. A few words in a row make a long "
            "password that is easy to remember."
        )
    if len(chosen) > high:
        return f"Your password can be at most {high} characters long."
    squashed = _squashed(chosen)
    if chosen.casefold() in common_passwords() or squashed in common_passwords():
        return (
            "That is one of the most common passwords, the first ones anyone guessing would try. "
            "Pick something of your own: a short sentence works well."
        )
    if len(set(chosen)) < rules.PASSWORD_MIN_DISTINCT_CHARS.value or _is_sequence(chosen):
        return "That password repeats or counts through the same few characters. Pick something less regular."
    core = _letters(chosen)
    if core and core in {_letters(username), _letters(display_name), *SERVICE_WORDS} - {""}:
        return "Your password can't be your name, your username or the course's name. Pick something else."
    return None


def _squashed(text: str) -> str:
    """Lower case without spaces: "Pass Word" is "password"."""
    return re.sub(r"\s+", "", text.casefold())


def _letters(text: str) -> str:
    """Only the letters, lower case: "Sam_Lee 2024" is "samlee"."""
    return "".join(ch for ch in text.casefold() if ch.isalpha())


def _is_sequence(text: str) -> bool:
    """Characters that count up or down by one: "abcdefgh", "98765432"."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list (``data/common-passwords.txt``), normalised and lower-cased, read once."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(normalised(line).casefold() for line in lines if line and not line.startswith("#"))


class BoundedHasher:
    """An Argon2 PasswordHasher that runs at most ``at_once`` hashes (hash or verify) at a
    time; callers past the bound wait their turn. Each Argon2id hash holds its memory cost
    (64 MiB by default) while it runs, so the bound caps the memory sign-ins can take
    (Settings.password_hashes_at_once says why it is what it is). Thread-safe."""

    def __init__(self, hasher: PasswordHasher, at_once: int) -> None:
        self._hasher = hasher
        self._slots = threading.BoundedSemaphore(at_once)

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        with self._slots:
            return self._hasher.verify(password_hash, password)

    def check_needs_rehash(self, password_hash: str) -> bool:
        """Reads the hash's parameters only: no hashing, no slot."""
        return self._hasher.check_needs_rehash(password_hash)
