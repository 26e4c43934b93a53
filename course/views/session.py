"""Who is signed in, the one store every session shares, and progress that lasts.

The store (course.store) is opened once per server. When it can't be opened (a locked,
unwritable or damaged database file, a database server that doesn't answer), the course keeps
working: lessons, quizzes and the self-check run as before, progress lives in the browser
session, and the account pages say why saving is off.

Signing in survives a reload of the page within the browser session: the store hands out an
opaque session token (only its hash is stored), the page keeps it in a session cookie (no
expiry date, so the browser forgets it when it closes) and a reloaded page reads it back from
the request that opened it (st.context.cookies).

The cookie is written by a one-line script (st.html), so it can't be HttpOnly and the page's
own scripts can read it. That is a price we pay knowingly: Streamlit reads cookies but gives a
page no way to set one in an HTTP response, and the alternative, a second web server in front
of the app only to set a header, is more to run for every gym. What keeps it cheap: the page
runs no script of anyone else's (everything people type is shown as text), the token is worth
little once taken (it ends at sign-out, at "sign out everywhere", after 30 idle minutes, 12
hours after sign-in, and every sign-in gets a new one), the cookie is SameSite=Strict, and it is
Secure where the page was reached over HTTPS. The token is made of URL-safe characters only and
is written as a JSON string.

Every run of a page (every click) checks the tab's session against the store first
(``check_session``, called by the navigation): a tab whose session was ended elsewhere, expired
or idled out is signed out there and then, before the click can change anything, and says so.
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
from streamlit.delta_generator import DeltaGenerator

from course.progress import Progress, QuizAttempt, SessionProgress
from course.store import Account, Store, StoredProgress, StoreError, StoreUnavailable, open_store, rules
from course.store.database import unavailable
from course.typed import visible
from course.views.places import ACCOUNT, link

SESSION_COOKIE = "hinge_session"
DEVICE_COOKIE = "hinge_device"  # lasts rules.KNOWN_DEVICE_LIFETIME: this browser signed in before
DEVICE_TOKEN, DEVICE_COOKIE_TO_WRITE = "device_token", "device_cookie_to_write"  # session state
NOT_SAVED, NOT_SAVED_REASON = "not_saved", "not_saved_reason"  # session state: progress the store refused, and why
GUEST_KEY = "guest_key"  # session state: who a learner who has not signed in is, for this session
RETRY_OPEN_S = 30.0  # a store that failed to open is tried again after this long, not on every click
# The first pages of a server wait this long for the store's first opening (a fresh start,
# migrations included, takes well under a second; a database locked by another program holds it
# for SQLITE_BUSY_TIMEOUT). Every later try runs in the background, so no page waits for it: a
# locked database used to stall every learner's page for about 5.5 s every 30 s.
FIRST_OPEN_WAIT_S = 15.0
log = logging.getLogger(__name__)


@dataclass
class _StoreHandle:
    """The server's store, or why it couldn't be opened, when that was last tried, and the
    thread trying now (if any)."""

    store: Store | None = None
    problem: StoreUnavailable | None = None
    tried_at: float = -1e9
    opening: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self) -> None:
        """Try to open the store (in the `opening` thread): keep it, or keep why not."""
        try:
            store, problem = open_store(), None
        except StoreUnavailable as error:
            log.warning("the course store can't be opened: %s (%s)", error, error.detail)
            store, problem = None, error
        except Exception as error:  # a bug of ours: logged, and said as "not set up" on the pages
            log.exception("opening the course store failed")
            store, problem = None, unavailable("setup", repr(error))
        with self.lock:
            self.store, self.problem, self.opening = store, problem, None


@st.cache_resource(show_spinner=False)
def _store_handle() -> _StoreHandle:
    return _StoreHandle()


def course_store() -> Store | None:
    """The store shared by every session, or None while it can't be opened (see store_problem).
    Opening is tried in a thread of its own; only the very first try is waited for."""
    handle = _store_handle()
    with handle.lock:
        if handle.store is None and handle.opening is None and time.monotonic() - handle.tried_at > RETRY_OPEN_S:
            handle.tried_at = time.monotonic()
            handle.opening = threading.Thread(target=handle.open, name="course-store-opening", daemon=True)
            handle.opening.start()
        opening, never_opened = handle.opening, handle.problem is None
    if opening is not None and never_opened:
        opening.join(timeout=FIRST_OPEN_WAIT_S)
    return handle.store


def store_problem() -> str | None:
    """Why progress can't be saved right now, for the learner; None when it can."""
    store = course_store()
    if store is None:
        handle = _store_handle()
        if handle.problem:
            return str(handle.problem)
        if handle.opening is not None:
            return "The course's database is still starting, so your progress isn't saved yet. Try again in a minute."
        return "Saving is switched off on this server."
    if store.read_only:
        return (
            "The course's database can be read but not written right now, so nothing new is saved. "
            "Lessons, quizzes and the self-check still work."
        )
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
    account = signed_in()
    if account is None or not account.is_trainer:
        st.info(f"This page is for trainers. Sign in with a trainer account {purpose}.", icon=":material/groups:")
        st.page_link(link(ACCOUNT), label="Sign in", icon=":material/person:")
        return None
    store = store_or_warning()
    return None if store is None else (account, store)


# --- who is signed in -------------------------------------------------------------------------

SESSION_ENDED = "session_ended"  # session state: this tab's sign-in was ended outside it
_DEAD_COOKIE = "dead_cookie"  # session state: the cookie's token, once the store said it had ended


def check_session() -> Account | None:
    """Who is signed in to this tab, checked against the store: the navigation calls this first
    on every run, so every click is checked before it can read or write anything.

    The token is the tab's own (from its sign-in) or, in a fresh or reloaded tab, the session
    cookie. A token the store no longer knows (signed out in another tab or everywhere, expired,
    idle too long) signs the tab out and leaves SESSION_ENDED set for the page to say so. A
    store that can't be asked right now (busy, unreachable) changes nothing: its writes fail on
    their own, with their own message."""
    had = st.session_state.get("account")
    token = st.session_state.get("session_token")
    if token is None and had is None and not st.session_state.get("signed_out"):
        token = _cookie_token()
        if token is not None and token == st.session_state.get(_DEAD_COOKIE):
            token = None  # this tab's cookie (read once, when it opened) was found ended before
    store = course_store()
    if token is None or store is None:
        account = None
    else:
        try:
            account = store.account_for_session(token)
        except StoreError as problem:
            log.warning("couldn't check a session against the store: %s", problem)
            return had
    if account is None:
        if had is not None:
            _forget_sign_in()
            st.session_state[SESSION_ENDED] = True
        if token is not None and token == _cookie_token():
            st.session_state[_DEAD_COOKIE] = token
        st.session_state.account = None
        return None
    st.session_state.account = account
    st.session_state.session_token = token
    st.session_state.pop(SESSION_ENDED, None)
    return account


def signed_in() -> Account | None:
    """The account signed in to this tab, as ``check_session`` found it at the start of this run."""
    return st.session_state.get("account")


def learner_key() -> str:
    """Who the learner is, for things that must stay the same for them (the order of a quiz's
    choices): their account when signed in, else this browser session, which a guest keeps
    until the page is reloaded or closed."""
    account = signed_in()
    if account is not None:
        return f"account:{account.id}"
    return st.session_state.setdefault(GUEST_KEY, f"guest:{secrets.token_urlsafe(16)}")


def sign_in_as(account: Account) -> None:
    """Remember the account for this tab and across its reloads. The tab's earlier token, if
    any, ends: a sign-in always gets a fresh one."""
    store = course_store()
    earlier = st.session_state.get("session_token") or _cookie_token()
    token = store.start_session(account, replacing=earlier) if store is not None else None
    if store is not None:
        try:
            st.session_state[DEVICE_TOKEN] = st.session_state[DEVICE_COOKIE_TO_WRITE] = store.remember_device(
                account, device_token()
            )
        except StoreError as problem:  # signed in all the same; only the throttle forgets this browser
            log.warning("couldn't remember a device: %s", problem)
    st.session_state.account = account
    st.session_state.session_token = token
    st.session_state.cookie_to_write = token
    for key in ("signed_out", SESSION_ENDED, "progress", NOT_SAVED, NOT_SAVED_REASON):  # the stored progress takes over
        st.session_state.pop(key, None)


def sign_out(*, everywhere: bool = False) -> None:
    """End this tab's session (``everywhere``: every session of the account, on every device)
    and forget the account here. The store's refusal is not the learner's problem: the cookie
    goes anyway, and a session left behind idles out on its own."""
    store = course_store()
    token = st.session_state.get("session_token")
    account = signed_in()
    if store is not None:
        try:
            if everywhere and account is not None:
                store.end_every_session(account)
            elif token:
                store.end_session(token)
        except StoreError as problem:
            log.warning("couldn't end a session in the store: %s", problem)
    _forget_sign_in()
    st.session_state.account = None
    st.session_state.signed_out = True
    st.session_state.cookie_to_write = ""


def _forget_sign_in() -> None:
    for key in ("account", "session_token", "progress", NOT_SAVED, NOT_SAVED_REASON):
        st.session_state.pop(key, None)


def write_session_cookie() -> None:
    """Write (or clear) the session cookie in the browser after a sign-in or sign-out, and the
    known-device cookie after a sign-in. Every page calls this once, from the navigation."""
    # Always one container here, scripts or not: an element that comes and goes above the page
    # would shift everything below it, and Streamlit would then redraw the page's tabs anew,
    # back on their first tab (a refused sign-up's message hidden on "Create an account").
    scripts = st.container()
    token = st.session_state.pop("cookie_to_write", None)
    if token is not None:
        _write_cookie(scripts, SESSION_COOKIE, token, max_age_s=None if token else 0)
    device = st.session_state.pop(DEVICE_COOKIE_TO_WRITE, None)
    if device:
        _write_cookie(scripts, DEVICE_COOKIE, device, max_age_s=int(rules.KNOWN_DEVICE_LIFETIME.value * 24 * 3600))


def _write_cookie(where: DeltaGenerator, name: str, value: str, *, max_age_s: int | None) -> None:
    """A cookie set by a one-line script (see the module docstring): a session cookie when
    ``max_age_s`` is None, gone at once when it is 0."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", value):  # never put anything else in a script
        raise ValueError("a cookie's token must be URL-safe base64")
    cookie = json.dumps(f"{name}={value}; path=/; SameSite=Strict")
    expire = "" if max_age_s is None else f"; max-age={max_age_s}"
    # Over HTTPS the cookie is never sent in the clear; the page itself decides, as it knows how it was reached.
    where.html(
        f"<script>document.cookie = {cookie} + {json.dumps(expire)}"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def _cookie_token(name: str = SESSION_COOKIE) -> str | None:
    try:
        return st.context.cookies.get(name) or None
    except Exception:  # no browser request behind this run (a script run by a test)
        return None


def client_address() -> str | None:
    """The network address this browser session came from, for throttling; None when unknown
    (served on localhost, or no browser behind this run)."""
    try:
        return st.context.ip_address
    except Exception:  # no browser request behind this run (a script run by a test)
        return None


def device_token() -> str | None:
    """This browser's known-device token (its cookie, or the one given at this tab's sign-in)."""
    return st.session_state.get(DEVICE_TOKEN) or _cookie_token(DEVICE_COOKIE)


def check_password(store: Store, username: str, password: str) -> Account:
    """``Store.sign_in`` from this browser: its address and known-device token go with it, so
    the throttle can tell the owner's usual phone from someone guessing."""
    return store.sign_in(username, password, client=client_address(), device=device_token())


# --- progress ---------------------------------------------------------------------------------


class SavingProgress:
    """Progress kept in the store for a signed-in account, and in the session as well.

    The session copy means a database that stops answering mid-visit costs the learner
    nothing on screen: reads fall back to it, and what can't be saved is kept in ``not_saved``
    and shown together with what the store has, so a lesson marked read stays read. The first
    write that fails says so where it happens; from then on every page says it at the top
    (``learner_progress``), as a rerun right after the write would hide the first message.

    The store is read once, all of it in one transaction, at the first read, and that copy
    serves every later read until this object writes (its own write is then read back): a
    page that asks about each of its lessons costs one read, not two per lesson. So make one
    per page run (``learner_progress`` does): kept longer, it would not see what another tab
    of the same account saved in the meantime.
    """

    def __init__(self, stored: StoredProgress, session: SessionProgress, not_saved: SessionProgress) -> None:
        self._stored = stored
        self._session = session
        self._not_saved = not_saved
        self._read_from_store: tuple[frozenset[str], dict[str, tuple[QuizAttempt, ...]]] | None = None

    def mark_read(self, lesson_id: str) -> None:
        self._session.mark_read(lesson_id)
        self._read_from_store = None
        if not self._write(lambda: self._stored.mark_read(lesson_id)):
            self._not_saved.mark_read(lesson_id)

    def lessons_read(self) -> frozenset[str]:
        return self._read(lambda: self._in_store()[0] | self._not_saved.lessons_read(), self._session.lessons_read)

    def record_quiz_attempt(self, attempt: QuizAttempt) -> None:
        self._session.record_quiz_attempt(attempt)
        self._read_from_store = None
        if not self._write(lambda: self._stored.record_quiz_attempt(attempt)):
            self._not_saved.record_quiz_attempt(attempt)

    def quiz_attempts(self, lesson_id: str) -> Sequence[QuizAttempt]:
        def stored() -> tuple[QuizAttempt, ...]:
            attempts = [*self._in_store()[1].get(lesson_id, ()), *self._not_saved.quiz_attempts(lesson_id)]
            return tuple(sorted(attempts, key=lambda attempt: attempt.at))

        return self._read(stored, lambda: self._session.quiz_attempts(lesson_id))

    def _in_store(self) -> tuple[frozenset[str], dict[str, tuple[QuizAttempt, ...]]]:
        """The lessons read and the quiz attempts by lesson, as the store has them (read once)."""
        if self._read_from_store is None:
            read, attempts = self._stored.read_all()
            by_lesson: dict[str, list[QuizAttempt]] = {}
            for attempt in attempts:
                by_lesson.setdefault(attempt.lesson_id, []).append(attempt)
            self._read_from_store = (read, {lesson: tuple(them) for lesson, them in by_lesson.items()})
        return self._read_from_store

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
    if (
        signed_in() is None
        and isinstance(progress, SessionProgress)
        and (progress.lessons_read() or any(progress.quiz_attempts(lesson) for lesson in lesson_ids))
    ):
        return progress
    return None


# --- showing what people typed ----------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=])")
# Streamlit's Markdown turns any "http://", "https://", "www." or e-mail address left in the
# text into a link, escaped or not (GitHub's autolinks run on the text once it is parsed). A
# word joiner (U+2060, which shows as nothing and never breaks a line) after "http", "www" or
# "@" leaves the text looking as typed and no longer a link.
_AUTOLINK_START = re.compile(r"(?i)(https?(?=\\?:)|\bwww(?=\\?\.)|@)")
WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """Text someone typed (a name, a group title, a trainer's note), made safe to put inside
    st.markdown: every character Markdown, HTML or Streamlit's own directives (":red[...]",
    ":material/...:") would act on is escaped, so it shows exactly as typed ("=" too: a line of
    them under another line makes a heading), no address in it becomes a link, and characters
    that are invisible or turn the text around show as "�" (``course.typed.visible``). Line
    breaks stay line breaks; spaces at either end of a line are dropped, as a browser would not
    show them and in Markdown they can start a code block or stop "**" from making bold text."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))
    unlinked = _AUTOLINK_START.sub(lambda found: found[0] + WORD_JOINER, escaped)
    return "  \n".join(line.strip() for line in unlinked.splitlines())
