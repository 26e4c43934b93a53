"""Getting back in without the password, and without e-mail: recovery codes (shown once at
sign-up, and anew from the account page), the "Forgot your password?" form that takes one of
them or a trainer's reset code, and the reset code a trainer makes for a member."""

from __future__ import annotations

import streamlit as st

from course.store import Account, Member, Store, StoreError, rules
from course.views.password_field import new_password_input
from course.views.session import client_address, device_token, plain, sign_in_as

CODES_TO_SHOW = "recovery_codes_to_show"  # session state: codes just made, shown until put away
RESET_CODES_MADE = "reset_codes_made"  # session state: {member id: ResetCode} a trainer just made


def show_new_codes(username: str) -> bool:
    """The recovery codes just made for this account, once, with a way to keep them; True while
    they are on screen (the caller shows nothing else), False once they were put away."""
    codes = st.session_state.get(CODES_TO_SHOW)
    if not codes:
        return False
    st.subheader("Your recovery codes", anchor=False)
    st.markdown(
        "If you ever forget your password, one of these codes lets you set a new one (on the sign-in "
        "page, under *Forgot your password?*). **Each works once.** Print them, or save them where you "
        "keep important things: they are shown only now. Without them, your trainer can make you a code."
    )
    st.code("\n".join(codes), language=None)
    st.download_button(
        "Save them as a text file",
        _codes_file(username, codes),
        file_name="hip-hinge-recovery-codes.txt",
        mime="text/plain",
        icon=":material/download:",
        key="save-codes",
        on_click="ignore",  # the codes stay on screen as they are until "I've kept them"
    )
    return True


def recovery_codes_section(store: Store, account: Account) -> None:
    """On the account page: how many recovery codes are left, and a way to make new ones."""
    try:
        left = store.recovery_codes_left(account)
    except StoreError as problem:
        st.error(str(problem), icon=":material/error:")
        return
    st.markdown(
        f"You have **{left}** unused recovery code{'s' if left != 1 else ''}. Each one lets you set a new "
        "password once, if you forget yours. New codes replace all the old ones."
    )
    if st.button("Make new recovery codes", icon=":material/key:", key="new-codes"):
        try:
            st.session_state[CODES_TO_SHOW] = store.new_recovery_codes(account)
        except StoreError as problem:
            st.error(str(problem), icon=":material/error:")
            return
        st.rerun()


def forgotten_password_form(store: Store) -> Account | None:
    """Set a new password with a recovery code or a trainer's reset code; the account, signed in
    here, when it worked."""
    st.markdown(
        "Type your username, one of your recovery codes or the code your trainer made for you, and a new password."
    )
    username = st.text_input("Username", autocomplete="username", key="reset_username")
    code = st.text_input(
        "Recovery code or reset code", placeholder="e.g. K7MP Q2XD 9AHF", key="reset_code", autocomplete="one-time-code"
    )
    password = new_password_input("New password", "reset_password", username=username)
    if not st.button("Set my new password", type="primary", key="reset-submit"):
        return None
    try:
        account = store.reset_password(username, code, password, client=client_address(), device=device_token())
        sign_in_as(account)
    except StoreError as problem:
        st.error(str(problem), icon=":material/error:")
        return None
    return account


def reset_code_for(store: Store, trainer: Account, group_id: int, member: Member) -> None:
    """On the dashboard, for one member: make a one-time code with which they set a new password."""
    made = st.session_state.setdefault(RESET_CODES_MADE, {})
    code = made.get((group_id, member.id))
    if code is not None:
        st.success(
            f"Reset code for **{plain(member.display_name)}**: give it to them in person or in a message. "
            f"It works once, until {code.expires_at:%a %d %b %H:%M} UTC, on the sign-in page under "
            "*Forgot your password?*",
            icon=":material/key:",
        )
        st.code(code.code, language=None)
        return
    hours = rules.RESET_CODE_LIFETIME.value
    st.caption(
        f"For a member who forgot their password: the code works once, for {hours:g} hours, and only for "
        f"{plain(member.display_name)}. Their other sign-ins end when they use it."
    )
    if st.button("Make a password reset code", icon=":material/key:", key=f"reset-code-{group_id}-{member.id}"):
        try:
            made[(group_id, member.id)] = store.issue_reset_code(trainer, group_id, member.id)
        except StoreError as problem:
            st.error(str(problem), icon=":material/error:")
            return
        st.rerun()


def _codes_file(username: str, codes: tuple[str, ...]) -> str:
    lines = [
        f"Hip Hinge course: recovery codes for {username}",
        "",
        "Each code sets a new password once (sign-in page, 'Forgot your password?').",
        "",
        *codes,
        "",
    ]
    return "\n".join(lines)
