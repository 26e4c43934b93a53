"""Text people type (names, titles, notes, feedback): what may be kept, and how it is made inert
wherever it is shown or exported. One place for the store, the pages and the CSV.

- **Hidden characters** reorder or hide text without showing themselves: bidirectional controls
  (U+202E turns "gpj.exe" into "exe.jpg" on screen) and invisible ones (zero-width spaces, word
  joiners, soft hyphens, fillers that look like nothing). The store refuses them in what is
  typed (``hidden_characters``); text kept before that rule is shown with each of them as
  U+FFFD "�" (``visible``). The zero-width joiners that build emoji (👩‍🏫) and Persian or
  Indic words, and the tags of flag emoji (🏴󠁧󠁢󠁳󠁣󠁴󠁿), are letters of their own and stay.
- **Spreadsheet formulas**: a CSV cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return, or holding ``;=`` (where a semicolon-separated sheet starts a new cell), is
  run by Excel or LibreOffice as a formula. ``spreadsheet_cell`` starts it with a ``'``, the
  spreadsheet's own mark for "this is text"; every CSV writes its cells through it.
"""

from __future__ import annotations

import unicodedata

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: part of words and emoji
FLAG_BLACK = "\U0001f3f4"  # the flag that tag characters spell a region onto (England, Scotland, Wales)
TAGS = range(0xE0020, 0xE0080)
INVISIBLE_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"}
"""Fillers and blanks that Unicode counts as letters or symbols but that show as nothing."""

SPREADSHEET_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET_FORMULA_INSIDE = (";=",)


def hidden_characters(text: str) -> list[str]:
    """The characters of ``text`` that reorder it or show as nothing, in order (see the module
    docstring for what counts); empty when there are none."""
    return [text[i] for i in _hidden_positions(text)]


def visible(text: str) -> str:
    """``text`` with every hidden character shown as "�", so nothing in it reorders or hides."""
    hidden = set(_hidden_positions(text))
    if not hidden:
        return text
    return "".join(REPLACEMENT if i in hidden else ch for i, ch in enumerate(text))


def code_point(character: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE': how a message names a character it refuses."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as the text it is, never runs: text that would start or
    hold a formula gets a leading ``'``. Anything else (numbers, dates) is left as it is."""
    if isinstance(value, str) and (
        value.lstrip(" ").startswith(SPREADSHEET_FORMULA_START)
        or any(mark in value for mark in SPREADSHEET_FORMULA_INSIDE)
    ):
        return "'" + value
    return value


def _hidden_positions(text: str) -> list[int]:
    found = []
    for i, ch in enumerate(text):
        if ch in JOINERS:
            continue
        if ord(ch) in TAGS and _after_flag(text, i):
            continue
        if unicodedata.category(ch) == "Cf" or ch in INVISIBLE_LETTERS:
            found.append(i)
    return found


def _after_flag(text: str, i: int) -> bool:
    """Whether the tag character at ``i`` follows a black flag, through other tag characters."""
    while i > 0 and ord(text[i - 1]) in TAGS:
        i -= 1
    return i > 0 and text[i - 1] == FLAG_BLACK
