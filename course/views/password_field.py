"""The field for choosing a password, with its strength hint: on sign-up, when changing a
password and when setting a new one with a reset or recovery code."""

from __future__ import annotations

import streamlit as st

from course.store import passwords, rules

HINT_LOOK = {
    "refused": ("red", ":material/block:"),
    "fair": ("orange", ":material/info:"),
    "good": ("green", ":material/check:"),
    "strong": ("green", ":material/verified_user:"),
}


def new_password_input(label: str, key: str, *, username: str = "", display_name: str = "") -> str:
    """A field for choosing a password, with the rules in its help and, once something is typed
    (and the field left), a hint of how strong it is, or why it would be refused."""
    low, suggested = rules.PASSWORD.min_chars, int(rules.PASSWORD_SUGGESTED_CHARS.value)
    password = st.text_input(
        label,
        type="password",
        autocomplete="new-password",
        key=key,
        help=f"At least {low} characters, {suggested} or more is better; spaces and any letters are fine. "
        "A short sentence is easy to remember and hard to guess. Common passwords are refused.",
    )
    if password:
        found = passwords.hint(password, username=username, display_name=display_name)
        colour, icon = HINT_LOOK[found.strength]
        st.caption(f":{colour}[{icon} {found.text}]")
    return password
