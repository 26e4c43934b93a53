"""Who is signed in, the one store every session shares, and progress that lasts.

The store (course.store) is opened once per server. When it can't be opened (a locked,
unwritable or damaged database file, a database server that doesn't answer), the course keeps
working: lessons, quizzes and the self-check run as before, progress lives in the browser
session, and the account pages say why saving is off.

Signing in survives a reload of the page within the browser session: the store hands out an
opaque session token (only its hash is stored), the page keeps it in a session cookie (no
expiry date, so the browser forgets it when it closes) and a reloaded page reads it back from
the request that opened it (st.context.cookies). Streamlit can read cookies but not write
them, so the cookie is written by a one-line script (st.html); the token is made of URL-safe
characters only and is written as a JSON string.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import streamlit as st

from course.progress import Progress, QuizAttempt, SessionProgress
from course.store import Account, Store, StoreError, StoreUnavailable, open_store

SESSION_COOKIE = "hinge_session"
NOT_SAVED, NOT_SAVED_REASON = "not_saved", "not_saved_reason"  # session state: progress the store refused, and why
GUEST_KEY = "guest_key"  # session state: who a learner who has not signed in is, for this session
RETRY_OPEN_S = 30.0  # a store that failed to open is tried again after this long, not on every click
log = logging.getLogger(__name__)


@dataclass
class _StoreHandle:
    """The server's store, or why it couldn't be opened (and when that was last tried)."""

    store: Store | None = None
    problem: StoreUnavailable | None = None
    tried_at: float = -1e9
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _store_handle() -> _StoreHandle:
    return _StoreHandle()


def course_store() -> Store | None:
    """The store shared by every session, or None while it can't be opened (see store_problem)."""
    handle = _store_handle()
    with handle.lock:
        if handle.store is None and time.monotonic() - handle.tried_at > RETRY_OPEN_S:
            handle.tried_at = time.monotonic()
            try:
                handle.store, handle.problem = open_store(), None
            except StoreUnavailable as problem:
                log.warning("the course store can't be opened: %s (%s)", problem, problem.detail)
                handle.problem = problem
        return handle.store


def store_problem() -> str | None:
    """Why progress can't be saved right now, for the learner; None when it can."""
    store = course_store()
    if store is None:
        problem = _store_handle().problem
        return str(problem) if problem else "Saving is switched off on this server."
    if store.read_only:
        return ("The course's database can be read but not written right now, so nothing new is saved. "
                "Lessons, quizzes and the self-check still work.")
    return None


def store_or_warning() -> Store | None:
    """The store for a page that needs it, after a warning when it can't save (or at all)."""
    problem = store_problem()
    if problem:
        st.warning(problem, icon=":material/cloud_off:")
    return course_store()


def trainer_and_store(purpose: str) -> tuple[Account, Store] | None:
    """For a trainers' page: the signed-in trainer and the store, or None after telling anyone
    else what the page is for (``purpose``: "to set homework") and how to sign in."""
    from course.views.navigation import account_page

    account = signed_in()
    if account is None or not account.is_trainer:
        st.info(f"This page is for trainers. Sign in with a trainer account {purpose}.", icon=":material/groups:")
        st.page_link(account_page(), label="Sign in", icon=":material/person:")
        return None
    store = store_or_warning()
    return None if store is None else (account, store)


# --- who is signed in -------------------------------------------------------------------------


def signed_in() -> Account | None:
    """The account signed in to this browser session, if any (restored from the session cookie
    after a page reload)."""
    if "account" in st.session_state:
        return st.session_state.account
    account = None
    token = _cookie_token()
    store = course_store()
    if token and store is not None and not st.session_state.get("signed_out"):
        try:
            account = store.account_for_session(token)
        except StoreError:
            account = None
        if account is not None:
            st.session_state.session_token = token
    st.session_state.account = account
    return account


def learner_key() -> str:
    """Who the learner is, for things that must stay the same for them (the order of a quiz's
    choices): their account when signed in, else this browser session, which a guest keeps
    until the page is reloaded or closed."""
    account = signed_in()
    if account is not None:
        return f"account:{account.id}"
    return st.session_state.setdefault(GUEST_KEY, f"guest:{secrets.token_urlsafe(16)}")


def sign_in_as(account: Account) -> None:
    """Remember the account for this browser session and across its reloads."""
    store = course_store()
    token = store.start_session(account) if store is not None else None
    st.session_state.account = account
    st.session_state.session_token = token
    st.session_state.cookie_to_write = token
    st.session_state.pop("signed_out", None)
    for key in ("progress", NOT_SAVED, NOT_SAVED_REASON):  # the stored progress takes over
        st.session_state.pop(key, None)


def sign_out() -> None:
    store = course_store()
    token = st.session_state.get("session_token")
    if store is not None and token:
        try:
            store.end_session(token)
        except StoreError:
            pass  # the cookie goes anyway; the token expires on its own
    for key in ("account", "session_token", "progress", NOT_SAVED, NOT_SAVED_REASON):
        st.session_state.pop(key, None)
    st.session_state.account = None
    st.session_state.signed_out = True
    st.session_state.cookie_to_write = ""


def write_session_cookie() -> None:
    """Write (or clear) the session cookie in the browser after a sign-in or sign-out. Every
    page calls this once, from the navigation."""
    token = st.session_state.pop("cookie_to_write", None)
    if token is None:
        return
    if not re.fullmatch(r"[A-Za-z0-9_-]*", token):  # never put anything else in a script
        raise ValueError("a session token must be URL-safe base64")
    value = json.dumps(f"{SESSION_COOKIE}={token}; path=/; SameSite=Strict")
    expire = "; max-age=0" if not token else ""
    # Over HTTPS the cookie is never sent in the clear; the page itself decides, as it knows how it was reached.
    st.html(f"<script>document.cookie = {value} + {json.dumps(expire)}"
            " + (location.protocol === 'https:' ? '; Secure' : '');</script>", unsafe_allow_javascript=True)


def _cookie_token() -> str | None:
    try:
        return st.context.cookies.get(SESSION_COOKIE) or None
    except Exception:  # no browser request behind this run (a script run by a test)
        return None


# --- progress ---------------------------------------------------------------------------------


class SavingProgress:
    """Progress kept in the store for a signed-in account, and in the session as well.

    The session copy means a database that stops answering mid-visit costs the learner
    nothing on screen: reads fall back to it, and what can't be saved is kept in ``not_saved``
    and shown together with what the store has, so a lesson marked read stays read. The first
    write that fails says so where it happens; from then on every page says it at the top
    (``learner_progress``), as a rerun right after the write would hide the first message.
    """

    def __init__(self, stored: Progress, session: SessionProgress, not_saved: SessionProgress) -> None:
        self._stored = stored
        self._session = session
        self._not_saved = not_saved

    def mark_read(self, lesson_id: str) -> None:
        self._session.mark_read(lesson_id)
        if not self._write(lambda: self._stored.mark_read(lesson_id)):
            self._not_saved.mark_read(lesson_id)

    def lessons_read(self) -> frozenset[str]:
        return self._read(lambda: self._stored.lessons_read() | self._not_saved.lessons_read(),
                          self._session.lessons_read)

    def record_quiz_attempt(self, attempt: QuizAttempt) -> None:
        self._session.record_quiz_attempt(attempt)
        if not self._write(lambda: self._stored.record_quiz_attempt(attempt)):
            self._not_saved.record_quiz_attempt(attempt)

    def quiz_attempts(self, lesson_id: str) -> Sequence[QuizAttempt]:
        def stored() -> tuple[QuizAttempt, ...]:
            attempts = [*self._stored.quiz_attempts(lesson_id), *self._not_saved.quiz_attempts(lesson_id)]
            return tuple(sorted(attempts, key=lambda attempt: attempt.at))

        return self._read(stored, lambda: self._session.quiz_attempts(lesson_id))

    def _read(self, stored, session):
        try:
            return stored()
        except StoreError:
            return session()

    def _write(self, save) -> bool:
        """Whether ``save()`` saved; when it could not, the reason is kept for every page to show."""
        try:
            save()
        except StoreError as problem:
            if NOT_SAVED_REASON not in st.session_state:
                st.warning(_not_saved_text(str(problem)), icon=":material/cloud_off:")
            st.session_state[NOT_SAVED_REASON] = str(problem)
            return False
        return True


def _not_saved_text(reason: str) -> str:
    return f"{reason} What you do is kept while the page is open."


def hold_not_saved(progress: SessionProgress, reason: str) -> None:
    """Keep progress the store refused (e.g. what was done before signing up) on screen for the
    rest of this session, with the reason the pages then show."""
    st.session_state[NOT_SAVED] = progress
    st.session_state[NOT_SAVED_REASON] = reason


def learner_progress() -> Progress:
    """This learner's progress: in the store when signed in, else in this browser session.
    Shows a warning above the page when some of it could not be saved or read."""
    session = st.session_state.setdefault("progress", SessionProgress())
    account = signed_in()
    store = course_store()
    if account is None or store is None:
        return session
    try:
        stored = store.progress(account)
    except StoreError as problem:  # the database stopped answering mid-visit
        st.warning(_not_saved_text(str(problem)), icon=":material/cloud_off:")
        return session
    if NOT_SAVED_REASON in st.session_state:
        st.warning(_not_saved_text(st.session_state[NOT_SAVED_REASON]), icon=":material/cloud_off:")
    return SavingProgress(stored, session, st.session_state.setdefault(NOT_SAVED, SessionProgress()))


def unsaved_progress(lesson_ids: Sequence[str]) -> SessionProgress | None:
    """Progress made in this session before signing in, when there is any to offer keeping."""
    progress = st.session_state.get("progress")
    if signed_in() is None and isinstance(progress, SessionProgress) and (
            progress.lessons_read() or any(progress.quiz_attempts(lesson) for lesson in lesson_ids)):
        return progress
    return None


# --- showing what people typed ----------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=])")


def plain(text: str) -> str:
    """Text someone typed (a name, a group title, a trainer's note), made safe to put inside
    st.markdown: every character Markdown, HTML or Streamlit's own directives (":red[...]",
    ":material/...:") would act on is escaped, so it shows exactly as typed ("=" too: a line of
    them under another line makes a heading). Line breaks stay line breaks; spaces at either end
    of a line are dropped, as a browser would not show them and in Markdown they can start a
    code block or stop "**" from making bold text."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return "  \n".join(line.strip() for line in escaped.splitlines())
