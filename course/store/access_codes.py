"""One-time codes that set a new password: how they look, how a typed one is read, how they are
kept (their numbers are in ``course.store.rules``).

    code = new_code()          -> "K7MP Q2XD 9AHF"
    typed_code(" k7mp-q2xd 9ahf")  -> "K7MPQ2XD9AHF"  (None for something that can't be a code)
    code_hash("K7MPQ2XD9AHF")  -> the SHA-256 (hex) that is stored
"""

from __future__ import annotations

import hashlib
import re
import secrets

from course.store import rules

GROUP = 4  # characters between the spaces of a shown code


def new_code() -> str:
    """A fresh random code, as shown: groups of four characters."""
    length = int(rules.ACCESS_CODE_LENGTH.value)
    code = "".join(secrets.choice(rules.ACCESS_CODE_ALPHABET) for _ in range(length))
    return " ".join(code[i : i + GROUP] for i in range(0, length, GROUP))


def typed_code(text: object) -> str | None:
    """The code someone typed, as it is hashed (spaces and dashes dropped, upper case), or None
    when it can't be a code at all."""
    if not isinstance(text, str) or len(text) > 4 * int(rules.ACCESS_CODE_LENGTH.value):
        return None
    code = re.sub(r"[\s-]+", "", text).upper()
    if len(code) != rules.ACCESS_CODE_LENGTH.value or any(ch not in rules.ACCESS_CODE_ALPHABET for ch in code):
        return None
    return code


def code_hash(code: str) -> str:
    return hashlib.sha256(f"code:{code}".encode()).hexdigest()


def new_code_hash(code: str) -> str:
    """The hash stored for a code new_code made. Raises ValueError for any other text."""
    typed = typed_code(code)
    if typed is None:  # never for new_code's codes: its alphabet and length are typed_code's
        raise ValueError(f"not a code new_code makes: {code!r}")
    return code_hash(typed)
