"""Your account: sign in, create an account (keeping what you did before), sign out here or
everywhere; and the notice a tab shows when its sign-in was ended elsewhere."""

from __future__ import annotations

import logging

import streamlit as st

from course.store import Account, Store, StoreError, rules
from course.store.records import Role
from course.views.account_settings import render_account_settings
from course.views.homework import PENDING_JOIN
from course.views.password_field import new_password_input
from course.views.places import DASHBOARD, GROUPS, HOMEWORK, link
from course.views.recovery import CODES_TO_SHOW, forgotten_password_form, show_new_codes
from course.views.session import (
    SESSION_ENDED,
    check_password,
    course_store,
    hold_not_saved,
    plain,
    sign_in_as,
    sign_out,
    signed_in,
    store_problem,
    unsaved_progress,
)
from course.views.state import course_content

log = logging.getLogger(__name__)
JUST_SIGNED_UP = "just_signed_up"  # session state: go on to homework or groups once the codes are kept
ROLE_LABELS: dict[Role, str] = {"member": "I'm learning the hinge", "trainer": "I'm a trainer and set homework"}


def render_account() -> None:
    st.title("Your account")
    problem = store_problem()
    account = signed_in()
    if account is not None and show_new_codes(account.username):
        if st.button("I've kept them: carry on", type="primary", icon=":material/arrow_forward:", key="codes-kept"):
            st.session_state.pop(CODES_TO_SHOW, None)
            if st.session_state.pop(JUST_SIGNED_UP, False):
                _after_sign_in()
            st.rerun()
        return
    if account is not None:
        role = "trainer" if account.is_trainer else "member"
        st.success(
            f"Signed in as **{plain(account.display_name)}** ({plain(account.username)}, {role}).",
            icon=":material/person:",
        )
        if problem:
            st.warning(problem, icon=":material/cloud_off:")
        if account.is_trainer:
            st.page_link(link(GROUPS), label="Your groups and their homework", icon=":material/groups:")
            st.page_link(link(DASHBOARD), label="Dashboard: how your members are doing", icon=":material/monitoring:")
        else:
            st.page_link(link(HOMEWORK), label="Your homework", icon=":material/assignment:")
        _signing_out()
        store = course_store()
        if store is not None and not store.read_only:
            render_account_settings(store, account)
        return

    if st.session_state.pop("account_deleted", False):
        st.success(
            "Your account is deleted, and everything the course kept about you with it.",
            icon=":material/delete_forever:",
        )

    session_ended_notice(with_form=False)
    st.markdown(
        "With an account your progress is kept from visit to visit, your trainer can set you "
        "homework, and you can hand in a self-check for them to read. Without one, everything "
        "still works, but it is forgotten when you close the page."
    )
    store = course_store()
    if problem or store is None:
        st.warning(
            f"{problem or store_problem()} You can keep learning: your progress is kept while this page is open.",
            icon=":material/cloud_off:",
        )
        return
    joining = st.query_params.get("join")
    if joining:
        st.session_state[PENDING_JOIN] = joining
        st.info(
            f"Sign in or create an account; then you'll be asked to join the group with code **{plain(joining)}**.",
            icon=":material/group_add:",
        )

    # Someone who follows a trainer's invite is most often new here: their link opens on
    # "Create an account" (signing in is one tap away, beside it).
    sign_in_tab, sign_up_tab = st.tabs(
        ["Sign in", "Create an account"], default="Create an account" if joining else None
    )
    with sign_in_tab:
        _sign_in_form()
        with st.expander("Forgot your password?", icon=":material/help:"):
            if forgotten_password_form(store) is not None:
                _after_sign_in()
    with sign_up_tab:
        _sign_up_form(store)


def _sign_in_form(form: str = "sign-in", *, stay: bool = False) -> None:
    """The sign-in form (``form`` names it and prefixes its widgets' keys). Signed in, the learner
    goes on to their homework or groups, or, with ``stay``, sees the page they were on again."""
    keys = form.replace("-", "_")
    with st.form(form):
        username = st.text_input("Username", autocomplete="username", key=f"{keys}_username")
        password = st.text_input("Password", type="password", autocomplete="current-password", key=f"{keys}_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        store = course_store()
        if store is None:  # it went away since the page was drawn
            st.error(store_problem() or "", icon=":material/cloud_off:")
            return
        try:
            account = check_password(store, username, password)
        except StoreError as problem:
            st.error(str(problem), icon=":material/error:")
            return
        if _start_session(account):
            if stay:
                st.rerun()
            _after_sign_in()


def session_ended_notice(*, with_form: bool = True) -> None:
    """When this tab's sign-in was ended outside it (signed out in another tab or everywhere,
    expired, idle too long): say so, above the page, with the sign-in form (``with_form``) and
    a way to carry on without an account. Nothing when it wasn't."""
    if not st.session_state.get(SESSION_ENDED):
        return
    st.warning(
        "**You're signed out.** You signed out in another tab or on another device, or this page "
        f"went unused for {rules.SESSION_IDLE_TIMEOUT.value:g} minutes, so what you just did was "
        "not saved. Sign in again to carry on where you were.",
        icon=":material/lock_clock:",
    )
    if not with_form:
        return
    _sign_in_form("sign-in-again", stay=True)
    if st.button("Carry on without signing in", key="carry-on-signed-out"):
        st.session_state.pop(SESSION_ENDED, None)
        st.rerun()


def _signing_out() -> None:
    left, right = st.columns(2)
    if left.button("Sign out", icon=":material/logout:", width="stretch"):
        sign_out()
        st.rerun()
    if right.button(
        "Sign out everywhere",
        icon=":material/devices:",
        width="stretch",
        help="Ends your sign-in on every phone, computer and tab, this one too.",
    ):
        sign_out(everywhere=True)
        st.rerun()


def _sign_up_form(store: Store) -> None:
    course = course_content()
    earlier = unsaved_progress([lesson.id for lesson in course.lessons])
    # Not a form: the password's strength hint appears as soon as the field is left (a form
    # would show nothing until the account is made or refused).
    with st.container(border=True, key="sign-up"):
        display_name = st.text_input("Your name", help="What your trainer sees, e.g. 'Sam Lee'.", key="sign_up_name")
        username = st.text_input(
            "Username",
            autocomplete="username",
            key="sign_up_username",
            help=f"{rules.USERNAME.min_chars} to {rules.USERNAME.max_chars} letters, digits, '.', '_' or '-'. "
            "You sign in with it.",
        )
        password = new_password_input("Password", "sign_up_password", username=username, display_name=display_name)
        role = st.radio(
            "You are", list(ROLE_LABELS), format_func=ROLE_LABELS.__getitem__, horizontal=False, key="sign_up_role"
        )
        keep = False
        if earlier is not None:
            read = len(earlier.lessons_read())
            tried = sum(bool(earlier.quiz_attempts(lesson.id)) for lesson in course.lessons)
            keep = st.checkbox(
                f"Keep what you did before signing up ({read} lesson{'s' if read != 1 else ''} read, "
                f"{tried} quiz{'zes' if tried != 1 else ''} tried)",
                value=True,
                key="sign_up_keep",
            )
        submitted = st.button("Create my account", type="primary", key="create-account")
    if submitted:
        try:
            account = store.sign_up(username, password, display_name=display_name, role=role)
        except StoreError as problem:
            st.error(str(problem), icon=":material/error:")
            return
        not_kept = None
        if keep and earlier is not None:
            try:
                store.keep_progress(account, earlier, [lesson.id for lesson in course.lessons])
            except StoreError as problem:
                not_kept = problem
        if not _start_session(account):
            return
        if (
            not_kept is not None and earlier is not None
        ):  # the account is made all the same: don't leave its owner signed out
            hold_not_saved(earlier, str(not_kept))
        try:
            st.session_state[CODES_TO_SHOW] = store.new_recovery_codes(account)
        except StoreError as problem:  # the account works without them; its page can make them later
            log.warning("no recovery codes made at sign-up: %s", problem)
            _after_sign_in()
        st.session_state[JUST_SIGNED_UP] = True
        st.rerun()  # the recovery codes first, then on to homework or groups


def _start_session(account: Account) -> bool:
    try:
        sign_in_as(account)
    except StoreError as problem:
        st.error(str(problem), icon=":material/error:")
        return False
    return True


def _after_sign_in() -> None:
    account = signed_in()
    if account is not None and account.is_trainer:
        st.session_state.pop(PENDING_JOIN, None)  # trainers join no groups; the homework page asks members
        st.switch_page(link(GROUPS))
    st.switch_page(link(HOMEWORK))
