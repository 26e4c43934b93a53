"""What a signed-in person controls on their account page: their password, their recovery
codes, a download of everything stored about them, and deleting the account with all of it."""

from __future__ import annotations

import json
import re

import streamlit as st

from course.store import Account, Store, StoreError
from course.views.password_field import new_password_input
from course.views.recovery import recovery_codes_section
from course.views.session import client_address, device_token, sign_out

EXPORT_READY = "export_ready"  # session state: the download, made at the press of a button


def render_account_settings(store: Store, account: Account) -> None:
    with st.expander("Change your password", icon=":material/password:"):
        _change_password(store, account)
    with st.expander("Recovery codes, for a forgotten password", icon=":material/key:"):
        recovery_codes_section(store, account)
    with st.expander("Download your data", icon=":material/download:"):
        _download(store, account)
    with st.expander("Delete your account", icon=":material/delete_forever:"):
        _delete(store, account)


def _change_password(store: Store, account: Account) -> None:
    current = st.text_input(
        "Your current password", type="password", autocomplete="current-password", key="change_current"
    )
    new = new_password_input("New password", "change_new", username=account.username, display_name=account.display_name)
    if st.button("Change my password", type="primary", key="change-password"):
        try:
            store.change_password(
                account,
                current,
                new,
                keep_session=st.session_state.get("session_token"),
                client=client_address(),
                device=device_token(),
            )
        except StoreError as problem:
            st.error(str(problem), icon=":material/error:")
            return
        for key in ("change_current", "change_new"):
            st.session_state.pop(key, None)
        st.success(
            "Password changed. You stay signed in here; every other phone, computer or tab "
            "that was signed in has to sign in again, with the new password.",
            icon=":material/check_circle:",
        )


def _download(store: Store, account: Account) -> None:
    st.markdown(
        "Everything the course keeps about you, as a JSON file: your account, lessons read, every "
        "quiz attempt, your self-checks (their numbers: clips are never kept), your groups, what you "
        "handed in and the feedback on it."
        + (
            " For a trainer, also the groups you run, the homework you set and the feedback you wrote."
            if account.is_trainer
            else ""
        )
    )
    ready = st.session_state.get(EXPORT_READY)
    if ready is None or ready[0] != account.id:
        if st.button("Prepare my download", icon=":material/inventory_2:", key="prepare-export"):
            try:
                document = store.export_data(account)
            except StoreError as problem:
                st.error(str(problem), icon=":material/error:")
                return
            st.session_state[EXPORT_READY] = (account.id, json.dumps(document, ensure_ascii=False, indent=2))
            st.rerun()
        return
    st.download_button(
        "Download my data (JSON)",
        ready[1],
        file_name=f"{_file_name(account.username)}-data.json",
        mime="application/json",
        icon=":material/download:",
        key="download-export",
        on_click=lambda: st.session_state.pop(EXPORT_READY, None),
    )


def _delete(store: Store, account: Account) -> None:
    goes = (
        "your account, your progress, your quiz attempts, your self-checks, your groups' memberships and "
        "what you handed in, with the feedback on it"
    )
    if account.is_trainer:
        goes = (
            "your account, the groups you run with their homework and everything handed in to it, and the "
            "feedback you wrote. Your members keep their own progress and self-checks"
        )
    st.warning(
        f"This deletes {goes}. It can't be undone: download your data first if you want a copy.",
        icon=":material/warning:",
    )
    password = st.text_input(
        "Your password, to confirm", type="password", autocomplete="current-password", key="delete_password"
    )
    sure = st.checkbox("I understand that everything goes, for good", key="delete_sure")
    if st.button("Delete my account and everything in it", type="primary", disabled=not sure, key="delete-account"):
        try:
            store.delete_account(account, password, client=client_address(), device=device_token())
        except StoreError as problem:
            st.error(str(problem), icon=":material/error:")
            return
        sign_out()
        st.session_state.account_deleted = True
        st.rerun()


def _file_name(username: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", username.lower()).strip("-.") or "account"
