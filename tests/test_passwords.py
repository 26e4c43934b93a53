"""Choosing a password (course.store.passwords): NIST SP 800-63B's rules both ways, the shipped
list of common passwords, Unicode normalisation and the strength hint."""

from __future__ import annotations

import unicodedata

import pytest

from course.store import InvalidInput, rules
from course.store.passwords import COMMON_PASSWORDS, checked_new, common_passwords, hint, normalised


def refusal(password: str, **context: str) -> str:
    with pytest.raises(InvalidInput) as refused:
        checked_new(password, **context)
    assert refused.value.field == "password"
    return str(refused.value)


@pytest.mark.parametrize(
    "common",
    [
        "password",
        "12345678",
        "iloveyou",
        "qwertyuiop",
        "Password",
        "PASSWORD",
        "Password1",
        "sunshine",
        "P a s s w o r d",
        "ｐａｓｓｗｏｒｄ",  # noqa: RUF001 -- spaced out, full-width on purpose: still "password"
    ],
)
def test_common_and_breached_passwords_are_refused(common):
    assert "one of the most common passwords" in refusal(common)


@pytest.mark.parametrize("regular", [" " * 8, "aaaaaaaaaaaa", "abababab", "abcdefghij", "98765432", "zyxwvuts"])
def test_repeated_and_counting_passwords_are_refused(regular):
    message = refusal(regular)
    assert "repeats or counts" in message or "most common" in message


@pytest.mark.parametrize(
    "password,context",
    [
        ("sam_lee2024", {"username": "sam_lee"}),
        ("Sam Lee 1990", {"display_name": "Sam Lee"}),
        ("hip hinge 2026", {}),
    ],
)
def test_a_password_made_of_the_username_the_name_or_the_courses_name_is_refused(password, context):
    assert "can't be your name, your username or the course's name" in refusal(password, **context)


@pytest.mark.parametrize(
    "fine",
    [
        "correct horse battery",
        "tuesday squats at six",
        "kettlebells at dawn",
        "Zoë lifts 💪 on Fridays",
        "8 chars!",
        "my phone number is not my password, and nor is my date of birth",
    ],
)
def test_ordinary_passwords_of_eight_characters_or_more_are_accepted(fine):
    assert checked_new(fine) == normalised(fine)


def test_the_length_counts_characters_after_normalisation_up_to_the_limit():
    assert "at least 8 characters" in refusal("seven77")
    assert checked_new("é" * 4 + "mile") == "é" * 4 + "mile"
    longest = "tuesday " * (rules.PASSWORD.max_chars // 8)
    assert len(checked_new(longest)) == rules.PASSWORD.max_chars >= 64
    assert "at most" in refusal(longest + "x")


def test_the_same_letters_typed_another_way_are_the_same_password():
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    assert composed != decomposed and normalised(composed) == normalised(decomposed) == checked_new(decomposed)
    assert normalised("ﬁve ﬁsh") == "five fish"  # a ligature


def test_the_shipped_list_holds_thousands_of_long_enough_normalised_passwords():
    listed = common_passwords()
    assert len(listed) > 3000
    assert all(len(entry) >= rules.PASSWORD.min_chars for entry in listed)
    assert all(entry == unicodedata.normalize("NFKC", entry).casefold() for entry in listed)
    text = COMMON_PASSWORDS.read_text()
    assert "Mark Burnett" in text and "10-million-password-list-top-10000" in text
    assert "correct horse battery" not in listed


@pytest.mark.parametrize(
    "password,strength",
    [
        ("password", "refused"),
        ("hinge0k!", "fair"),
        ("my red kettlebell", "good"),
        ("tuesday squats at six", "strong"),
        ("Sophie's deadlift day", "strong"),
    ],
)
def test_the_hint_grows_with_the_password(password, strength):
    assert hint(password).strength == strength
    assert hint(password).text.endswith(".")


def test_the_hint_gives_the_reason_a_password_would_be_refused():
    assert hint("sam_lee2024", username="sam_lee").text == refusal("sam_lee2024", username="sam_lee")
