"""Checking what people type and what pages pass, before anything reaches the database.

Each check returns the value to store or raises :class:`InvalidInput` naming the field, in
words for the person who typed it. Text is kept as typed (HTML, Markdown or SQL-looking text is
just text: queries are parameterised and escaping for display is the pages' job); only
control characters, which break every layout, and characters that are invisible or turn the
text around (``course.typed``), which let a name pose as another, are refused.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from course import typed
from course.progress import QuizAttempt
from course.store import rules
from course.store.errors import InvalidInput
from course.store.records import ROLES, Role

_USERNAME = re.compile(r"[A-Za-z0-9._-]+")


def username(value: object) -> str:
    low, high = rules.USERNAME.min_chars, rules.USERNAME.max_chars
    if not isinstance(value, str) or not (low <= len(value) <= high) or not _USERNAME.fullmatch(value):
        raise InvalidInput(
            "username",
            f"A username is {low} to {high} characters: letters a-z, digits, dots (.), dashes (-) "
            "or underscores (_), with no spaces.",
        )
    return value


def username_key(value: str) -> str:
    """What usernames are compared by: lower case (they are ASCII only)."""
    return value.lower()


def role(value: object) -> Role:
    if value not in ROLES:
        raise InvalidInput("role", "An account is either a member's or a trainer's.")
    return value


def text(
    value: object, *, field: str, label: str, rule: rules.TextRule, strip: bool = True, multiline: bool = False
) -> str:
    """``value`` as a string within ``rule``'s length (ends trimmed unless ``strip`` is False),
    without control characters (line breaks allowed when ``multiline``)."""
    if not isinstance(value, str):
        raise InvalidInput(field, f"{label} must be text.")
    kept = value.strip() if strip else value
    if len(kept) > rule.max_chars or len(kept) < rule.min_chars or (rule.min_chars and not kept.strip()):
        if rule.min_chars:
            need = (
                f"{rule.min_chars} to {rule.max_chars} characters"
                if rule.min_chars > 1
                else f"at least one character and at most {rule.max_chars}"
            )
        else:
            need = f"at most {rule.max_chars} characters"
        raise InvalidInput(field, f"{label} needs {need}.")
    allowed = "\n\t\r" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in kept):
        what = "control characters" if multiline else "line breaks or control characters"
        raise InvalidInput(field, f"{label} can't contain {what}.")
    hidden = typed.hidden_characters(kept)
    if hidden:
        raise InvalidInput(
            field,
            f"{label} can't contain characters that are invisible or turn the text around "
            f"(it has {typed.code_point(hidden[0])}). Type it again without them.",
        )
    return kept


def lesson_ids(values: object, *, field: str) -> tuple[str, ...]:
    """Lesson ids in the order given, each once."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInput(field, "Lessons must be given as a list of lesson ids.")
    return tuple(dict.fromkeys(lesson_id(value, field=field) for value in values))


def lesson_id(value: object, *, field: str = "lesson_id") -> str:
    rule = rules.LESSON_ID
    if not isinstance(value, str) or not (rule.min_chars <= len(value) <= rule.max_chars) or value != value.strip():
        raise InvalidInput(
            field,
            f"A lesson id is {rule.min_chars} to {rule.max_chars} characters "
            f"without spaces at the ends, got {value!r}.",
        )
    return value


def due_date(value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput("due", "The due date must be a date (a day, without a time).")
    return value


def fraction(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 < value <= 1:
        raise InvalidInput(
            "pass_fraction", "The pass mark must be a share of the questions above 0 and at most 1 (0.75 is 3 of 4)."
        )
    return float(value)


def aware(value: object, *, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(field, f"{field} must be a timezone-aware date and time.")
    return value.astimezone(UTC)


def attempt(value: object) -> dict[str, Any]:
    """The row values for one quiz attempt: answers as JSON {question id: [choice indexes]}."""
    if not isinstance(value, QuizAttempt):
        raise InvalidInput("quiz_attempt", "A quiz attempt must be a course.progress.QuizAttempt.")
    for name in ("correct", "total"):
        number = getattr(value, name)
        if isinstance(number, bool) or not isinstance(number, int):
            raise InvalidInput("quiz_attempt", f"A quiz attempt's {name} must be a whole number.")
    if not (value.total > 0 and 0 <= value.correct <= value.total):
        raise InvalidInput("quiz_attempt", f"A quiz score of {value.correct} of {value.total} is not possible.")
    if not isinstance(value.answers, Mapping):
        raise InvalidInput("quiz_attempt", "A quiz attempt's answers must map question ids to choices.")
    answers: dict[str, list[int]] = {}
    for question, picked in value.answers.items():
        if not isinstance(question, str) or isinstance(picked, (str, bytes)) or not isinstance(picked, Iterable):
            raise InvalidInput(
                "quiz_attempt", "A quiz attempt's answers must map question ids to sets of choice indexes."
            )
        choices = sorted(set(picked))
        if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in choices):
            raise InvalidInput("quiz_attempt", "Choice indexes must be whole numbers from 0.")
        answers[question] = choices
    return {
        "lesson_id": lesson_id(value.lesson_id, field="quiz_attempt"),
        "answers": json.dumps(answers, sort_keys=True, separators=(",", ":")),
        "correct": value.correct,
        "total": value.total,
        "at": aware(value.at, field="quiz_attempt"),
    }


def report(value: object) -> tuple[str, str, str]:
    """(outcome, verdict, JSON text) of a self-check report (``Report.to_json()``)."""
    if not isinstance(value, Mapping):
        raise InvalidInput("report", "A self-check result must be the report's JSON object.")
    outcome, verdict = value.get("outcome"), value.get("verdict")
    if outcome not in ("judged", "partial", "refused"):
        raise InvalidInput(
            "report", "This self-check result has no outcome (judged, partial or refused), so it can't be saved."
        )
    if not isinstance(verdict, str) or not 1 <= len(verdict) <= 200:
        raise InvalidInput("report", "This self-check result has no verdict, so it can't be saved.")
    try:
        encoded = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise InvalidInput(
            "report", "This self-check result holds something other than plain numbers and text, so it can't be saved."
        ) from error
    if len(encoded.encode()) > rules.SELF_CHECK_MAX_BYTES.value:
        raise InvalidInput(
            "report", "This self-check result is too large to save. (Clips are never saved, only the numbers.)"
        )
    return outcome, verdict, encoded


def join_code(value: object) -> str:
    """The code as stored: spaces and dashes dropped, upper case."""
    length = int(rules.JOIN_CODE_LENGTH.value)
    code = re.sub(r"[\s-]+", "", value).upper() if isinstance(value, str) else ""
    if len(code) != length or any(ch not in rules.JOIN_CODE_ALPHABET for ch in code):
        raise InvalidInput(
            "join_code", f"A join code is {length} letters and digits, like 'K7MP Q2XD'. Check it with your trainer."
        )
    return code
