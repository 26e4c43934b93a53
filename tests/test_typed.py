"""What people type, made inert in one place (course.typed): hidden characters refused or shown,
spreadsheet formulas marked as text."""

from __future__ import annotations

import pytest

from course.typed import code_point, hidden_characters, spreadsheet_cell, visible

RLO, PDF = "\u202e", "\u202c"


@pytest.mark.parametrize(
    "sneaky,hidden",
    [
        (f"Amy {RLO}nimda{PDF}", [RLO, PDF]),  # shows as "Amy admin"
        ("Tess\u2066 Coach\u2069", ["\u2066", "\u2069"]),  # isolates
        ("am\u200by", ["\u200b"]),  # zero-width space
        ("\ufeffAmy", ["\ufeff"]),  # byte order mark
        ("A\u2060m\u00ady", ["\u2060", "\u00ad"]),  # word joiner, soft hyphen
        ("\u3164", ["\u3164"]),  # a Hangul filler: a "name" that shows as nothing
        ("\u200e\u200fAmy\u061c", ["\u200e", "\u200f", "\u061c"]),  # direction marks
    ],
)
def test_characters_that_hide_or_turn_text_around_are_found(sneaky, hidden):
    assert hidden_characters(sneaky) == hidden
    assert "\ufffd" in visible(sneaky) and not hidden_characters(visible(sneaky))


@pytest.mark.parametrize(
    "fine",
    [
        "Zoë O'Brien",
        "Coach 👩‍🏫 Tess",
        "محمد",
        "می‌خواهم",  # an emoji and a Persian word, both with joiners
        "Tess 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # the flag of Scotland, made of tags
        "Priya <b>Shah</b> **x**",
        "日本語の名前",
    ],
)
def test_names_in_any_script_with_emoji_are_fine(fine):
    assert hidden_characters(fine) == [] and visible(fine) == fine


def test_tag_characters_without_a_flag_are_hidden():
    assert hidden_characters("Amy\U000e0041\U000e0042") == ["\U000e0041", "\U000e0042"]


def test_a_refused_character_is_named_by_its_code_point():
    assert code_point(RLO) == "U+202E RIGHT-TO-LEFT OVERRIDE"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "  =1+1", "Amy;=cmd|'/C calc'!A0"])
def test_a_cell_a_spreadsheet_would_run_is_marked_as_text(cell):
    assert spreadsheet_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Amy", "a-b", "me@gym", "1 + 1", "", 3, -2, 0.5, None])
def test_other_cells_are_left_as_they_are(cell):
    assert spreadsheet_cell(cell) == cell
