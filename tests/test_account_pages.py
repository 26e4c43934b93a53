"""The account, homework and groups pages, keeping a self-check, what people type and a store that
can't be used, through AppTest on a real store in a fresh folder per test."""

from __future__ import annotations

import json
import re
import sqlite3
import string
import threading
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

import course.views.homework as homework_page
import course.views.self_check as self_check_page
import course.views.session as session
from course.analysis.check import Analysis
from course.content import load_course
from course.store import Store, StoreError, rules
from course.store.database import unavailable
from course.thresholds import Limit
from course.views.session import plain
from tests.motion_factory import report_for
from tests.page_harness import (
    HOME,
    PASSWORD,
    RIGHT_ANSWERS,
    TIMEOUT_S,
    answer_quiz,
    app,
    labelled,
    member,
    open_page,
    page_links,
    shown,
    submit,
    trainer,
    upload,
)
from tests.real_clips import CLIPS, needs_clips


def sign_up(
    at,
    username: str,
    *,
    name: str = "Amy Lee",
    password: str = PASSWORD,
    role: str = "member",
    past_the_codes: bool = True,
):
    """Fill in and send the sign-up form; then (``past_the_codes``) say the recovery codes are kept."""
    at.text_input(key="sign_up_name").input(name)
    at.text_input(key="sign_up_username").input(username)
    at.text_input(key="sign_up_password").input(password)
    at.radio(key="sign_up_role").set_value(role)
    at.button(key="create-account").click().run()
    if past_the_codes and "codes-kept" in [button.key for button in at.button]:
        at.button(key="codes-kept").click().run()
    return at


def sign_in(at, username: str, password: str = PASSWORD):
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    return submit(at, "sign-in", "Sign in")


# --- accounts ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_signing_up_keeps_the_lesson_read_before_and_opens_homework(small_course, store):
    at = app("a-1")
    at.button(key="read:a-1").click().run()
    open_page(at, "account")
    keep = at.checkbox(key="sign_up_keep")
    assert keep.value and keep.label == "Keep what you did before signing up (1 lesson read, 0 quizzes tried)"
    sign_up(at, "amy")
    assert not at.exception
    assert at.title[0].value == "Homework"
    amy = store.sign_in("amy", PASSWORD)
    assert (amy.display_name, amy.role) == ("Amy Lee", "member")
    assert store.progress(amy).lessons_read() == {"a-1"}


def test_signing_up_without_the_keep_box_starts_afresh(small_course, store):
    at = app("a-1")
    at.button(key="read:a-1").click().run()
    open_page(at, "account")
    at.checkbox(key="sign_up_keep").uncheck()
    sign_up(at, "amy")
    assert store.progress(store.sign_in("amy", PASSWORD)).lessons_read() == frozenset()


def test_when_earlier_progress_cant_be_kept_the_new_account_is_signed_in_and_it_stays_on_screen(
    small_course, store, monkeypatch
):
    def busy(*_args):
        raise unavailable("busy", "database is locked")

    monkeypatch.setattr(Store, "keep_progress", busy)
    at = app("a-1")
    at.button(key="read:a-1").click().run()
    open_page(at, "account")
    sign_up(at, "amy")
    assert not at.exception
    assert at.title[0].value == "Homework" and at.session_state["account"].username == "amy"
    open_page(at, "a-1")
    assert "You have read this lesson." in shown(at)
    assert at.warning[0].value.startswith("The course's database is busy with another program")
    assert store.progress(store.sign_in("amy", PASSWORD)).lessons_read() == frozenset()


def test_without_earlier_progress_there_is_no_keep_box(small_course, data_dir):
    at = app("account")
    assert not at.exception
    assert "sign_up_keep" not in [box.key for box in at.checkbox]


def test_a_trainer_who_signs_up_lands_on_their_groups(small_course, data_dir):
    at = app("account")
    sign_up(at, "tess", name="Tess", role="trainer")
    assert not at.exception
    assert at.title[0].value == "Groups and homework"


def test_a_bad_sign_up_says_what_to_change_and_makes_no_account(small_course, store):
    at = app("account")
    sign_up(at, "amy", password="short")
    assert not at.exception
    assert "at least 8 characters" in at.error[0].value
    assert at.title[0].value == "Your account"
    member(store, "amy")  # the username is still free


@pytest.mark.parametrize("password", ["password", "12345678", " " * 8])
def test_a_common_or_regular_password_is_refused_at_sign_up(small_course, store, password):
    at = app("account")
    sign_up(at, "amy", password=password)
    assert not at.exception
    assert at.error[0].value.startswith(("That is one of the most common passwords", "That password repeats"))
    assert at.title[0].value == "Your account"
    member(store, "amy")  # no account was made


@pytest.mark.parametrize(
    "typed,shown_as",
    [
        ("password", ":red[:material/block: That is one of the most common passwords"),
        ("hinge0k!", ":orange[:material/info: Allowed, but short"),
        ("tuesday squats at six", ":green[:material/verified_user: Strong"),
    ],
)
def test_the_password_field_hints_how_strong_the_password_is(small_course, data_dir, typed, shown_as):
    at = app("account")
    at.text_input(key="sign_up_password").input(typed).run()
    assert any(caption.value.startswith(shown_as) for caption in at.caption), [c.value for c in at.caption]


def test_a_taken_username_is_refused(small_course, store):
    member(store, "amy")
    at = app("account")
    sign_up(at, "AMY")
    assert at.error[0].value == "That username is taken. Pick another one."


def cookie_scripts(at, name: str = "hinge_session") -> list[str]:
    return [element.proto.body for element in at.get("html") if f'document.cookie = "{name}=' in element.proto.body]


SECURE_OVER_HTTPS = """ + (location.protocol === 'https:' ? '; Secure' : '');</script>"""


def test_signed_in_the_account_page_says_who_and_signing_out_forgets_it(small_course, store):
    at = app("account")
    sign_up(at, "amy", past_the_codes=False)
    token = at.session_state["session_token"]
    assert store.account_for_session(token).username == "amy"
    assert cookie_scripts(at) == [
        f'<script>document.cookie = "hinge_session={token}; path=/; SameSite=Strict" + ""{SECURE_OVER_HTTPS}'
    ]
    device = at.session_state["device_token"]
    assert cookie_scripts(at, "hinge_device") == [
        f'<script>document.cookie = "hinge_device={device}; path=/; SameSite=Strict" + "; max-age=15552000"'
        f"{SECURE_OVER_HTTPS}"
    ], "a known device for half a year"
    at.button(key="codes-kept").click().run()
    open_page(at, "account")
    assert not at.exception
    assert at.success[0].value == "Signed in as **Amy Lee** (amy, member)."
    assert "Your homework" in page_links(at)
    assert cookie_scripts(at) == [], "the cookie is written once"

    labelled(at.button, "Sign out").click().run()
    assert not at.exception
    assert at.title[0].value == "Your account"
    assert at.session_state["account"] is None
    assert store.account_for_session(token) is None, "the session ends in the store too"
    assert cookie_scripts(at) == [
        f'<script>document.cookie = "hinge_session=; path=/; SameSite=Strict" + "; max-age=0"{SECURE_OVER_HTTPS}'
    ]

    sign_in(at, "amy")
    assert not at.exception
    assert at.title[0].value == "Homework" and at.session_state["account"].username == "amy"


def test_sign_up_shows_the_recovery_codes_once_before_going_on(small_course, store):
    at = app("account")
    sign_up(at, "amy", past_the_codes=False)
    assert not at.exception
    assert at.subheader[0].value == "Your recovery codes"
    codes = at.code[0].value.splitlines()
    assert len(codes) == rules.RECOVERY_CODE_COUNT.value and all(len(code) == 14 for code in codes)
    amy = store.sign_in("amy", PASSWORD)
    assert store.recovery_codes_left(amy) == 10
    at.button(key="codes-kept").click().run()
    assert at.title[0].value == "Homework"
    open_page(at, "account")
    assert codes[0] not in shown(at), "shown only once"


def test_a_recovery_code_sets_a_new_password_from_the_sign_in_page(small_course, store):
    amy = member(store, "amy")
    codes = store.new_recovery_codes(amy)
    at = app("account")
    at.text_input(key="reset_username").input("amy")
    at.text_input(key="reset_code").input(codes[0].lower())
    at.text_input(key="reset_password").input("squats on a sunday morning")
    at.button(key="reset-submit").click().run()
    assert not at.exception
    assert at.title[0].value == "Homework" and at.session_state["account"] == amy
    assert store.sign_in("amy", "squats on a sunday morning") == amy


def test_a_wrong_code_on_the_sign_in_page_says_so_and_changes_nothing(small_course, store):
    amy = member(store, "amy")
    at = app("account")
    at.text_input(key="reset_username").input("amy")
    at.text_input(key="reset_code").input("ABCD EFGH JKMN")
    at.text_input(key="reset_password").input("squats on a sunday morning")
    at.button(key="reset-submit").click().run()
    assert at.error[0].value.startswith("That code doesn't work for this username")
    assert store.sign_in("amy", PASSWORD) == amy


def test_new_recovery_codes_from_the_account_page_replace_the_old(small_course, store):
    amy = member(store, "amy")
    old = store.new_recovery_codes(amy)
    at = app("account", account=amy)
    assert "You have **10** unused recovery codes." in shown(at)
    at.button(key="new-codes").click().run()
    fresh = at.code[0].value.splitlines()
    assert len(fresh) == 10 and not set(fresh) & set(old)
    at.button(key="codes-kept").click().run()
    assert at.title[0].value == "Your account" and at.success[0].value.startswith("Signed in as")


def test_a_reloaded_page_signs_in_again_from_the_session_cookie(small_course, store, monkeypatch):
    amy = member(store, "amy")
    token = store.start_session(amy)
    monkeypatch.setattr(session, "_cookie_token", lambda: token)  # AppTest can't send cookies
    at = app("account")
    assert at.success[0].value == "Signed in as **Amy** (amy, member)."
    store.end_session(token)
    assert app("account").session_state["account"] is None, "an ended session signs nobody in"


SIGNED_OUT_ELSEWHERE = "**You're signed out.**"


def test_a_tab_whose_session_ended_elsewhere_says_so_and_its_click_saves_nothing(small_course, store):
    amy = member(store, "amy")
    at = app("a-1", account=amy)
    store.end_every_session(amy)  # "sign out everywhere" on her phone
    at.button(key="read:a-1").click().run()
    assert not at.exception
    assert at.warning[0].value.startswith(SIGNED_OUT_ELSEWHERE)
    assert at.session_state["account"] is None
    assert at.text_input(key="sign_in_again_username").label == "Username", "the sign-in form, right there"
    assert store.progress(amy).lessons_read() == frozenset(), "the click came after the sign-out"


def test_a_tab_signed_out_elsewhere_joins_no_group(small_course, store, week1):
    _, group, _ = week1
    amy = member(store, "amy")
    at = app("homework", account=amy)
    store.end_every_session(amy)
    labelled(at.text_input, "Join a group").input(group.join_code)
    submit(at, "join-group", "Join")
    assert not at.exception
    assert at.warning[0].value.startswith(SIGNED_OUT_ELSEWHERE)
    assert store.groups(amy) == []


def test_signing_in_again_from_the_notice_stays_on_the_page(small_course, store):
    amy = member(store, "amy")
    at = app("a-1", account=amy)
    store.end_every_session(amy)
    at.run()
    at.text_input(key="sign_in_again_username").input("amy")
    at.text_input(key="sign_in_again_password").input(PASSWORD)
    submit(at, "sign-in-again", "Sign in")
    assert not at.exception
    assert at.session_state["account"] == amy
    assert not any(w.value.startswith(SIGNED_OUT_ELSEWHERE) for w in at.warning)
    assert at.title[0].value == "Lesson a-1"
    at.button(key="read:a-1").click().run()
    assert store.progress(amy).lessons_read() == {"a-1"}


def test_carrying_on_without_signing_in_hides_the_notice(small_course, store):
    amy = member(store, "amy")
    at = app("a-1", account=amy)
    store.end_every_session(amy)
    at.run()
    labelled(at.button, "Carry on without signing in").click().run()
    assert not at.exception
    assert not at.warning and at.session_state["account"] is None


def test_a_session_that_idled_out_signs_the_tab_out(small_course, store, monkeypatch):
    amy = member(store, "amy")
    at = app("account", account=amy)
    monkeypatch.setattr(rules, "SESSION_IDLE_TIMEOUT", Limit(0, "minutes", "tests: every session is idle"))
    open_page(at, "account")
    assert at.warning[0].value.startswith(SIGNED_OUT_ELSEWHERE)
    assert not at.success, "no 'Signed in as' any more"
    assert at.text_input(key="sign_in_username"), "the account page shows its own sign-in form"


def test_signing_out_everywhere_ends_the_other_devices_too(small_course, store):
    amy = member(store, "amy")
    phone = store.start_session(amy)
    at = app("account", account=amy)
    labelled(at.button, "Sign out everywhere").click().run()
    assert not at.exception
    assert at.session_state["account"] is None
    assert store.account_for_session(phone) is None
    assert "hinge_session=;" in cookie_scripts(at)[0]


def test_a_trainer_sees_links_to_groups_and_dashboard_on_the_account_page(small_course, store):
    tess = trainer(store, "tess")
    at = app("account", account=tess)
    assert at.success[0].value == "Signed in as **Coach Tess** (tess, trainer)."
    assert {"Your groups and their homework", "Dashboard: how your members are doing"} <= set(page_links(at))


def test_signing_in_ignores_the_usernames_case(small_course, store):
    member(store, "amy")
    at = app("account")
    sign_in(at, "Amy")
    assert not at.exception
    assert at.title[0].value == "Homework"
    assert at.session_state["account"].username == "amy"


def test_a_wrong_password_gets_one_message_for_both_mistakes(small_course, store):
    member(store, "amy")
    at = app("account")
    sign_in(at, "amy", "not my password")
    assert not at.exception
    message = at.error[0].value
    assert message == "That username and password don't match. Check both and try again."
    sign_in(at, "nobody-here", "not my password")
    assert at.error[0].value == message, "an unknown username reads the same"
    assert at.session_state["account"] is None


def test_after_five_wrong_tries_signing_in_waits_and_says_how_long(small_course, store):
    member(store, "amy")
    at = app("account")
    for _ in range(int(rules.SIGN_IN_FREE_TRIES_PER_USERNAME.value)):
        sign_in(at, "amy", "not my password")
        assert "don't match" in at.error[0].value
    sign_in(at, "amy", PASSWORD)  # even the right password waits
    assert not at.exception
    assert at.error[0].value.startswith("There have been many wrong tries lately")
    assert "wait 1 second before trying again" in at.error[0].value
    assert at.session_state["account"] is None


def test_someone_guessing_at_a_username_doesnt_slow_its_owner_in_a_browser_they_signed_in_with(small_course, store):
    member(store, "amy")
    at = app("account")
    sign_in(at, "amy")
    open_page(at, "account")
    labelled(at.button, "Sign out").click().run()
    for _ in range(3 * int(rules.SIGN_IN_FREE_TRIES_PER_USERNAME.value)):  # someone else, somewhere else
        with pytest.raises(StoreError):
            store.sign_in("amy", "guess")
    sign_in(at, "amy")
    assert not at.exception
    assert at.session_state["account"].username == "amy"


# --- progress that lasts -------------------------------------------------------------------------


def test_a_signed_in_learner_marking_a_lesson_read_is_saved(small_course, store):
    amy = member(store, "amy")
    at = app("a-2", account=amy)
    at.button(key="read:a-2").click().run()
    assert not at.exception
    assert "You have read this lesson." in shown(at)
    assert store.progress(amy).lessons_read() == {"a-2"}


def test_a_signed_in_learners_quiz_attempt_is_saved(small_course, store):
    amy = member(store, "amy")
    at = app("a-1", account=amy)
    answer_quiz(at, "a-1", {**RIGHT_ANSWERS, "four": [1]})
    assert not at.exception
    assert "You got 3 of 4 right: quiz passed." in shown(at)
    (attempt,) = store.progress(amy).quiz_attempts("a-1")
    assert (attempt.correct, attempt.total, attempt.answers["two"]) == (3, 4, frozenset({0, 2}))
    assert store.progress(amy).lessons_read() == {"a-1"}


def test_saved_progress_shows_on_the_home_page_of_a_new_visit(small_course, store):
    amy = member(store, "amy")
    store.progress(amy).mark_read("a-1")
    at = app(account=amy)
    assert not at.exception
    assert "Read · quiz not taken" in shown(at)
    assert at.button(key="continue").label == "Continue: 1. Lesson a-1"


# --- a trainer's groups --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_trainer_makes_a_group_and_gets_its_join_code_and_link(small_course, store):
    tess = trainer(store, "tess")
    at = app("groups", account=tess)
    at.context["url"] = "https://gym.example/course/groups"
    labelled(at.text_input, "Group name").input("Tuesday 7 pm")
    submit(at, "new-group", "Make the group")
    assert not at.exception
    (group,) = store.groups(tess)
    assert group.title == "Tuesday 7 pm"
    assert f"Join code: **`{group.join_code}`**" in shown(at)
    assert at.code[0].value == f"https://gym.example/course/homework?join={group.join_code}"


def test_the_join_link_without_a_known_address_still_ends_with_the_homework_page_and_code(small_course, store):
    tess = trainer(store, "tess")
    group = store.create_group(tess, "Tuesday 7 pm")
    at = app("groups", account=tess)
    assert at.code[0].value.endswith(f"/homework?join={group.join_code}")


def test_an_empty_group_name_is_refused_with_a_reason(small_course, store):
    tess = trainer(store, "tess")
    at = app("groups", account=tess)
    submit(at, "new-group", "Make the group")
    assert not at.exception
    assert "The group's name needs" in at.error[0].value
    assert store.groups(tess) == []


def test_a_trainer_sets_homework_and_sees_how_many_are_done(small_course, store):
    tess = trainer(store, "tess")
    group = store.create_group(tess, "Tuesday 7 pm")
    store.join_group(member(store, "amy"), group.join_code)
    due = date.today() + timedelta(days=3)
    at = app("groups", account=tess)
    form = f"homework-{group.id}"
    labelled(at.text_input, "Title").input("Week 1: the hinge")
    labelled(at.date_input, "Due").set_value(due)
    labelled(at.multiselect, "Lessons to read").set_value(["a-1"])
    labelled(at.multiselect, "Quizzes to pass").set_value(["a-1", "a-2"])
    labelled(at.text_area, "Note for your members (optional)").input("Film from the side.")
    submit(at, form, "Set this homework")
    assert not at.exception
    (status,) = store.assignments(tess)
    work = status.assignment
    assert (work.title, work.due, work.lesson_ids, work.quiz_lesson_ids) == (
        "Week 1: the hinge",
        due,
        ("a-1",),
        ("a-1", "a-2"),
    )
    assert work.self_check and work.note == "Film from the side." and work.pass_fraction == 0.75
    assert f"- **Week 1\\: the hinge**, due {due:%a %d %b}: 0 of 1 done" in shown(at)
    assert "1 member" in shown(at)


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def test_a_trainer_changes_homework_and_the_change_is_what_members_see(small_course, store, week1):
    tess, _group, work = week1
    at = app("groups", account=tess)
    title = next(box for box in at.text_input if box.label == "Title")  # the homework's own form comes first
    assert title.value == "Week 1"
    title.input("Week 1: hinge and dowel")
    submit(at, f"edit-{work.id}", "Save the changes")
    assert not at.exception
    (status,) = store.assignments(tess)
    assert (status.assignment.id, status.assignment.title) == (work.id, "Week 1: hinge and dowel")
    assert "Week 1\\: hinge and dowel" in shown(at)


def test_deleting_homework_asks_first_and_keep_it_deletes_nothing(small_course, store, week1):
    tess, _group, _work = week1
    at = app("groups", account=tess)
    button(at, "Delete this homework").click().run()
    assert any("Every hand-in for it goes with it" in box.value for box in at.warning)
    assert len(store.assignments(tess)) == 1, "nothing goes before the trainer says so"
    button(at, "Keep it").click().run()
    assert not at.warning and len(store.assignments(tess)) == 1
    button(at, "Delete this homework").click().run()
    button(at, "Delete it").click().run()
    assert not at.exception
    assert store.assignments(tess) == []


def test_closing_a_group_asks_first_then_stops_its_join_code(small_course, store, week1):
    tess, group, _work = week1
    at = app("groups", account=tess)
    assert group.join_code in shown(at)
    button(at, "Close this group").click().run()
    assert any("Its join code stops working" in box.value for box in at.warning)
    button(at, "Close the group").click().run()
    assert not at.exception
    assert group.join_code not in shown(at) and "Closed: the join code no longer works" in shown(at)
    with pytest.raises(StoreError):
        store.join_group(member(store, "amy"), group.join_code)


def test_homework_that_asks_for_nothing_is_refused(small_course, store):
    tess = trainer(store, "tess")
    group = store.create_group(tess, "Tuesday 7 pm")
    at = app("groups", account=tess)
    labelled(at.text_input, "Title").input("Nothing")
    labelled(at.checkbox, "Hand in a self-check (a filmed set of hinges)").uncheck()
    submit(at, f"homework-{group.id}", "Set this homework")
    assert not at.exception
    assert "Homework needs at least one thing to do" in at.error[0].value
    assert store.assignments(tess) == []


# --- a member's homework -------------------------------------------------------------------------


@pytest.fixture
def week1(store):
    """Coach Tess's group with homework: read a-1, pass a-1's quiz, hand in a self-check."""
    tess = trainer(store, "tess")
    group = store.create_group(tess, "Tuesday 7 pm")
    work = store.create_assignment(
        tess,
        group.id,
        title="Week 1",
        due=date.today() + timedelta(days=7),
        lesson_ids=["a-1"],
        quiz_lesson_ids=["a-1"],
        self_check=True,
    )
    return tess, group, work


def test_a_member_joins_with_the_code_and_sees_the_homework_checklist(small_course, store, week1):
    _tess, group, work = week1
    amy = member(store, "amy")
    at = app("homework", account=amy)
    assert "Nothing is due" in shown(at)
    labelled(at.text_input, "Join a group").input(group.join_code.lower()[:4] + " " + group.join_code[4:])
    submit(at, "join-group", "Join")
    assert not at.exception
    assert "#### Join **Tuesday 7 pm**, Coach Tess's group?" in shown(at)
    assert store.groups(amy) == [], "typing the code only asks"
    labelled(at.button, "Join this group").click().run()
    assert not at.exception
    assert [g.id for g in store.groups(amy)] == [group.id]
    text = shown(at)
    assert "**Week 1** · Tuesday 7 pm" in text
    assert f"Due {work.due:%A %d %B}" in text
    assert "**Tuesday 7 pm** with Coach Tess" in text
    assert page_links(at) == [
        ":material/radio_button_unchecked: Read lesson 1: Lesson a-1",
        ":material/radio_button_unchecked: Pass the quiz of lesson 1 (75% right)",
        ":material/radio_button_unchecked: Film your hinge and hand in a self-check",
    ]


def test_a_wrong_join_code_says_so(small_course, store, week1):
    at = app("homework", account=member(store, "amy"))
    labelled(at.text_input, "Join a group").input("ZZZZZZZZ")
    submit(at, "join-group", "Join")
    assert not at.exception
    assert at.error[0].value == "No group has that join code. Check it with your trainer."


def test_a_join_link_names_the_trainer_and_what_they_will_see_and_joins_nothing_yet(small_course, store, week1):
    _, group, _ = week1
    amy = member(store, "amy")
    at = app("homework", account=amy, query={"join": group.join_code})
    assert not at.exception
    text = shown(at)
    assert "#### Join **Tuesday 7 pm**, Coach Tess's group?" in text
    assert "If you join, **Coach Tess** will see:" in text and homework_page.WHAT_THE_TRAINER_SEES in text
    assert "**Week 1**" not in text
    assert store.groups(amy) == [] and store.dashboard(week1[0], group.id).rows == ()
    open_page(at, "a-1")
    open_page(at, "homework")
    assert store.groups(amy) == [], "going elsewhere and back is no yes either"


def test_a_member_joins_by_the_link_once_they_say_yes(small_course, store, week1):
    _, group, _ = week1
    amy = member(store, "amy")
    at = app("homework", account=amy, query={"join": group.join_code})
    labelled(at.button, "Join this group").click().run()
    assert not at.exception
    assert "**Week 1** · Tuesday 7 pm" in shown(at)
    assert "join" not in at.query_params, "the code leaves the address once used"
    assert [g.id for g in store.groups(amy)] == [group.id]
    assert "Join this group" not in [button.label for button in at.button], "asked once"


def test_not_now_joins_nothing_and_stops_asking(small_course, store, week1):
    _, group, _ = week1
    amy = member(store, "amy")
    at = app("homework", account=amy, query={"join": group.join_code})
    labelled(at.button, "Not now").click().run()
    assert not at.exception
    assert store.groups(amy) == []
    assert "Join this group" not in [button.label for button in at.button]


def test_a_join_link_to_a_group_already_joined_says_so(small_course, store, week1):
    _, group, _ = week1
    amy = member(store, "amy")
    store.join_group(amy, group.join_code)
    at = app("homework", account=amy, query={"join": group.join_code})
    assert at.info[0].value == "You're already in **Tuesday 7 pm**, Coach Tess's group."


def test_a_member_who_leaves_a_group_is_gone_from_its_trainers_view(small_course, store, week1):
    tess, group, _work = week1
    amy = member(store, "amy")
    store.join_group(amy, group.join_code)
    at = app("homework", account=amy)
    labelled(at.button, "Leave").click().run()
    assert store.groups(amy) != [], "leaving asks first"
    labelled(at.button, "Leave the group").click().run()
    assert not at.exception
    assert store.groups(amy) == [] and store.dashboard(tess, group.id).rows == ()
    assert "**Week 1**" not in shown(at)


def test_a_join_link_opened_before_signing_in_asks_right_after_signing_up(small_course, store, week1):
    _, group, _ = week1
    at = app("homework", query={"join": group.join_code})
    assert f"Then you'll be asked to join the group with code **{group.join_code}**." in at.info[0].value
    open_page(at, "account")
    sign_up(at, "amy")
    assert not at.exception
    assert at.title[0].value == "Homework"
    assert "#### Join **Tuesday 7 pm**, Coach Tess's group?" in shown(at)
    amy = store.sign_in("amy", PASSWORD)
    assert store.groups(amy) == []
    labelled(at.button, "Join this group").click().run()
    assert [g.id for g in store.groups(amy)] == [group.id]


@pytest.mark.slow
def test_reading_the_lesson_and_passing_its_quiz_ticks_the_homework(small_course, store, week1):
    _, group, _ = week1
    amy = member(store, "amy")
    store.join_group(amy, group.join_code)
    at = app("a-1", account=amy)
    at.button(key="read:a-1").click().run()
    answer_quiz(at, "a-1", RIGHT_ANSWERS)
    assert "You got 4 of 4 right: quiz passed." in shown(at)
    open_page(at, "homework")
    assert not at.exception
    assert page_links(at)[:2] == [
        ":green[:material/check_circle:] Read lesson 1: Lesson a-1",
        ":green[:material/check_circle:] Pass the quiz of lesson 1 (75% right)",
    ]
    assert "Film your hinge and hand in a self-check" in page_links(at)[2], "the self-check is still to do"


def test_a_trainers_feedback_shows_on_the_members_homework(small_course, store, week1):
    tess, group, work = week1
    amy = member(store, "amy")
    store.join_group(amy, group.join_code)
    check = store.save_self_check(
        amy,
        {
            "schema": 1,
            "outcome": "judged",
            "verdict": "Solid hinge",
            "message": "3 reps judged.",
            "view": "side",
            "people": 1,
            "reps": [],
            "faults": [],
            "cues": [],
        },
    )
    submission = store.submit_self_check(amy, work.id, check.id)
    store.leave_feedback(tess, submission.id, "Lovely hips.\nNow slow the way down.")
    at = app("homework", account=amy)
    assert not at.exception
    assert ":green[:material/check_circle:] Self-check handed in: *Solid hinge*" in shown(at)
    (note,) = at.info
    assert note.value.startswith("**Coach Tess** wrote on ")
    assert note.value.endswith("Lovely hips\\.  \nNow slow the way down\\.")


# --- who may open what ---------------------------------------------------------------------------


RENDER = {
    "groups": "from course.views.groups import render_groups as render",
    "dashboard": "from course.views.dashboard import render_dashboard as render",
}


@pytest.mark.parametrize("page", ["groups", "dashboard"])
def test_a_member_cant_open_the_trainer_pages(small_course, store, page):
    amy = member(store, "amy")
    at = app("homework", account=amy)
    assert page not in at.session_state["test_menu"], "a member's menu has no trainer pages"
    # and the page itself refuses, should a member reach it anyway
    at = AppTest.from_string(f"{RENDER[page]}\nrender()", default_timeout=TIMEOUT_S)
    at.session_state["account"] = amy
    at.run()
    assert not at.exception
    assert at.info[0].value.startswith("This page is for trainers.")
    assert "Make a new group" not in shown(at) and not at.dataframe and not at.selectbox


@pytest.mark.parametrize("page", ["groups", "dashboard"])
def test_the_trainer_pages_ask_a_visitor_to_sign_in(small_course, data_dir, page):
    at = AppTest.from_string(f"{RENDER[page]}\nrender()", default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.info[0].value.startswith("This page is for trainers.")
    assert page_links(at) == ["Sign in"]


def test_a_trainer_has_the_trainer_pages_in_the_menu_and_no_homework(small_course, store):
    at = app("groups", account=trainer(store, "tess"))
    assert {"groups", "dashboard", "account"} <= set(at.session_state["test_menu"])
    assert "homework" not in at.session_state["test_menu"]


# --- when the store can't be used ----------------------------------------------------------------


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Give up on a locked SQLite file after 0.2 s instead of 5 s."""
    monkeypatch.setattr(rules, "SQLITE_BUSY_TIMEOUT", Limit(0.2, "s", "tests"))


def test_a_damaged_database_leaves_the_lessons_working_and_the_account_page_explains(small_course, data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / rules.SQLITE_FILE_NAME).write_bytes(b"These are my notes, not a database.\n" * 200)
    at = app()
    assert not at.exception
    assert at.title[0].value == "Welcome"
    open_page(at, "a-1")
    at.button(key="read:a-1").click().run()
    assert not at.exception
    assert "You have read this lesson." in shown(at)
    open_page(at, HOME)
    assert "Read · quiz not taken" in shown(at), "progress is kept in the session"
    open_page(at, "account")
    assert not at.exception
    assert at.warning[0].value.startswith("The course's database file is damaged or isn't a database")
    assert "your progress is kept while this page is open" in at.warning[0].value
    assert not at.text_input, "no sign-in form that can't work"


def test_a_read_only_database_still_marks_a_lesson_read_and_says_it_isnt_saved(small_course, store, monkeypatch):
    amy = member(store, "amy")
    token = store.start_session(amy)  # signed in while the database could still be written
    path = store._engine.url.database
    store.close()
    monkeypatch.setenv(rules.DATABASE_URL_SETTING, f"sqlite:///file:{path}?mode=ro&uri=true")
    at = app("a-1", account=amy, session_token=token)
    at.button(key="read:a-1").click().run()
    assert not at.exception
    assert "You have read this lesson." in shown(at)
    assert "can't be written to" in at.warning[0].value
    open_page(at, "account")
    assert "can be read but not written" in at.warning[0].value


def test_a_locked_database_still_marks_a_lesson_read_and_says_it_isnt_saved(small_course, store, short_busy_timeout):
    amy = member(store, "amy")
    at = app("a-1", account=amy)
    other = sqlite3.connect(store._engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing, and taking its time
    try:
        at.button(key="read:a-1").click().run()
        assert not at.exception
        assert "You have read this lesson." in shown(at)
        assert "busy with another program" in at.warning[0].value
        assert "kept while the page is open" in at.warning[0].value
        answer_quiz(at, "a-1", RIGHT_ANSWERS)
        assert not at.exception
        assert "You got 4 of 4 right: quiz passed." in shown(at)
        open_page(at, HOME)
        assert "Read · quiz best 4 of 4, passed (1 try)" in shown(at)
        assert "busy with another program" in at.warning[0].value, "every page says so until it is closed"
    finally:
        other.rollback()
        other.close()
    assert store.progress(amy).lessons_read() == frozenset()
    assert store.progress(amy).quiz_attempts("a-1") == ()


def test_a_database_locked_at_start_is_tried_again_in_the_background_while_pages_go_on(
    small_course, data_dir, short_busy_timeout, monkeypatch
):
    open_store_now = session.open_store
    open_store_now().close()  # the course ran here before
    other = sqlite3.connect(data_dir / rules.SQLITE_FILE_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing, and taking its time
    at = app("account")  # the server's first page waits for the first try, which finds the lock
    assert "busy with another program" in at.warning[0].value
    retrying, release = threading.Event(), threading.Event()

    def slow_open():  # the next try: held as long as the test likes, as a lock would hold it
        retrying.set()
        assert release.wait(timeout=60)
        return open_store_now()

    monkeypatch.setattr(session, "open_store", slow_open)
    monkeypatch.setattr(session, "RETRY_OPEN_S", 0.0)
    at.run()  # would hang until the release if the page waited for the retry
    assert retrying.is_set(), "the retry started"
    assert not at.exception
    assert "busy with another program" in at.warning[0].value, "the page says why while it retries"
    other.rollback()
    other.close()
    release.set()
    opening = session._store_handle().opening
    if opening is not None:
        opening.join(timeout=30)
    at.run()
    assert not at.exception
    assert not at.warning, "the store opened in the background: saving works again"
    assert at.text_input, "the sign-in form is back"


def test_a_database_that_stops_answering_mid_visit_leaves_the_pages_working(small_course, store, monkeypatch):
    amy = member(store, "amy")

    def unreachable(*_args):
        raise unavailable("unreachable", "connection refused")

    monkeypatch.setattr(Store, "progress", unreachable)
    at = app("a-1", account=amy)
    at.button(key="read:a-1").click().run()
    assert not at.exception
    assert "You have read this lesson." in shown(at)
    assert at.warning[0].value.startswith("The course's database server isn't answering")
    open_page(at, HOME)
    assert not at.exception
    assert "Read · quiz not taken" in shown(at)


# --- keeping a self-check ------------------------------------------------------------------------


@pytest.fixture
def locked_knees(monkeypatch):
    """The self-check's analysis, replaced by a real report of the body model's locked-knee hinge."""
    report = report_for("locked_knee_hinge", load_course().cues)
    monkeypatch.setattr(self_check_page, "analyse_clip", lambda path, **options: Analysis(report))
    return report


@pytest.mark.slow
def test_a_member_hands_in_a_self_check_for_their_homework(store, locked_knees, film_homework):
    amy, work = film_homework
    at = upload(app("self-check", account=amy))
    assert not at.exception
    choice = labelled(at.selectbox, "Hand it in for")
    assert choice.value == work.id, "the homework due first is chosen"
    assert choice.options == ["Just save it to my record", f"Film your hinge (Tuesday 7 pm, due {work.due:%d %b})"]
    submit(at, "keep-result", "Hand in")
    assert not at.exception
    assert at.success[-1].value.startswith("Handed in: your trainer can read it now")
    (check,) = store.self_checks(amy)
    assert check.verdict == "One thing to fix: your knees locked straight"
    assert {fault["id"] for fault in check.report["faults"]} == {"locked_knees"}
    (status,) = store.assignments(amy)
    assert status.submission.self_check_id == check.id
    open_page(at, "homework")
    assert (
        ":green[:material/check_circle:] Self-check handed in: *One thing to fix\\: your knees locked straight*"
        in shown(at)
    )


@pytest.mark.slow
def test_handing_in_twice_keeps_one_self_check(store, locked_knees, film_homework):
    amy, _ = film_homework
    at = upload(app("self-check", account=amy))
    submit(at, "keep-result", "Hand in")
    submit(at, "keep-result", "Hand in")
    assert not at.exception
    assert len(store.self_checks(amy)) == 1


@pytest.mark.slow
def test_choosing_just_save_saves_the_result_without_handing_it_in(store, locked_knees, film_homework):
    amy, _ = film_homework
    at = upload(app("self-check", account=amy))
    labelled(at.selectbox, "Hand it in for").select_index(0)  # "Just save it to my record"
    submit(at, "keep-result", "Hand in")
    assert not at.exception
    assert at.success[-1].value == "Saved to your record."
    assert len(store.self_checks(amy)) == 1
    assert store.assignments(amy)[0].submission is None


def test_without_homework_the_result_is_saved_to_the_record(store, locked_knees):
    amy = member(store, "amy")
    at = upload(app("self-check", account=amy))
    assert [box.label for box in at.selectbox] == ["What did you film?"]  # no "Hand it in for"
    submit(at, "keep-result", "Save")
    assert at.success[-1].value == "Saved to your record."
    assert [check.verdict for check in store.self_checks(amy)] == ["One thing to fix: your knees locked straight"]
    at.run()
    assert ":green[:material/check:] Saved to your record." in shown(at)


def test_a_visitor_is_asked_to_sign_in_to_keep_the_result(data_dir, locked_knees):
    at = upload(app("self-check"))
    assert not at.exception
    assert "Sign in to keep this result's numbers" in shown(at)
    assert "Sign in or create an account" in page_links(at)
    assert not at.get("form")


@needs_clips
@pytest.mark.slow
def test_a_real_clip_is_handed_in_with_its_verdict(store, film_homework, reused_analyses):
    amy, _ = film_homework
    at = app("self-check", account=amy)
    upload(at, "dl.mp4", (CLIPS / "deadlift-side-2reps.mp4").read_bytes())
    assert not at.exception
    assert at.success[0].value.startswith("**Solid hinge.**")
    submit(at, "keep-result", "Hand in")
    assert at.success[-1].value.startswith("Handed in")
    (status,) = store.assignments(amy)
    assert status.submission.verdict == "Solid hinge"
    assert store.self_checks(amy)[0].report["outcome"] == "judged"


# --- what people type is shown as typed ----------------------------------------------------------

HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) :red[red]"
HOSTILE_NAME = "<script>x</script> **bold** [x](javascript:1) :red[red]"  # display names stop at 60
SQL = "Robert'); DROP TABLE accounts;--"
# What CommonMark, GitHub's extensions and Streamlit's own Markdown act on.
ACTIVE = set("\\`*_{}[]()#+-.!|<>~:$&=")


def as_shown(markdown: str) -> str:
    """The text Markdown shows for ``markdown``, asserting that nothing in it is Markdown syntax
    but backslash escapes and line breaks."""
    out, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and markdown[i + 1] in string.punctuation:
            out.append(markdown[i + 1])
            i += 2
            continue
        assert markdown[i] not in ACTIVE, f"{markdown[i]!r} at {i} is left active in {markdown!r}"
        out.append(markdown[i])
        i += 1
    return "".join(out).replace("  \n", "\n")


@pytest.mark.parametrize("character", sorted(ACTIVE))
def test_plain_escapes_every_character_markdown_acts_on(character):
    assert plain(f"a{character}b") == f"a\\{character}b"


def test_plain_leaves_ordinary_text_alone():
    assert plain("Zoë's Tuesday class, 7 pm?") == "Zoë's Tuesday class, 7 pm?"


@pytest.mark.parametrize(
    "typed",
    [
        HOSTILE,
        SQL,
        "Great\n===",
        "Great\n---",
        "1. not a list",
        "- not a list",
        "> not a quote",
        "# not a heading",
        "snake_case and *stars*",
        "`code`",
        "$x^2$",
        "Tom &amp; Jerry",
        ":smile: :material/home:",
        "a | b | c",
        "www.example.com and amy@example.com",
        "back\\slash",
        "~~struck~~",
        "![img](x.png)",
    ],
)
def test_plain_text_reads_back_as_typed_with_no_markdown_left_active(typed):
    assert as_shown(plain(typed)).replace(session.WORD_JOINER, "") == typed, "the joiners show as nothing"


@pytest.mark.parametrize(
    "typed",
    [
        "see https://evil.example/x",
        "HTTP://EVIL.EXAMPLE",
        "www.evil.example",
        "mail me@evil.example",
        "[click me](https://evil.example)",
    ],
)
def test_plain_leaves_no_address_markdown_would_turn_into_a_link(typed):
    shown_as = plain(typed)
    assert as_shown(shown_as).replace(session.WORD_JOINER, "") == typed
    assert not re.search(r"(?i)https?\\?:|www\\?\.|@[^\u2060]", shown_as), shown_as


def test_plain_shows_characters_that_turn_text_around_as_replacement_marks():
    assert plain("Amy \u202enimda\u202c") == "Amy �nimda�"


def test_plain_keeps_line_breaks_and_drops_the_spaces_that_would_start_a_code_block():
    assert plain("Well done.\r\nNext week:\n\n    slower") == "Well done\\.  \nNext week\\:  \n  \nslower"
    assert plain(" Amy ") == "Amy", "'** Amy **' would not be bold"


def test_a_display_name_full_of_markup_is_shown_as_typed_on_the_account_page(small_course, store):
    at = app("account")
    sign_up(at, "amy", name=HOSTILE_NAME)
    assert not at.exception
    assert store.sign_in("amy", PASSWORD).display_name == HOSTILE_NAME
    open_page(at, "account")
    assert at.success[0].value == f"Signed in as **{plain(HOSTILE_NAME)}** (amy, member)."
    assert not re.search(r"(?<!\\)<", shown(at)) and "](javascript" not in shown(at) and ":red[" not in shown(at)


def test_a_group_title_and_feedback_full_of_markup_are_shown_as_typed(small_course, store):
    tess = trainer(store, "tess", display_name=HOSTILE_NAME)
    at = app("groups", account=tess)
    labelled(at.text_input, "Group name").input(HOSTILE)
    submit(at, "new-group", "Make the group")
    assert not at.exception
    (group,) = store.groups(tess)
    assert group.title == HOSTILE
    assert plain(HOSTILE) in [heading.value for heading in at.header]  # the group's heading, h2 under the title

    amy = member(store, "amy")
    store.join_group(amy, group.join_code)
    work = store.create_assignment(tess, group.id, title=HOSTILE, due=date.today(), self_check=True, note=HOSTILE)
    check = store.save_self_check(
        amy,
        {
            "schema": 1,
            "outcome": "judged",
            "verdict": "Solid hinge",
            "message": "",
            "view": "side",
            "people": 1,
            "reps": [],
            "faults": [],
            "cues": [],
        },
    )
    store.leave_feedback(tess, store.submit_self_check(amy, work.id, check.id).id, f"{HOSTILE}\n{SQL}")
    homework = app("homework", account=amy)
    assert not homework.exception
    text = shown(homework)
    assert f"**{plain(HOSTILE)}** · {plain(HOSTILE)}" in text
    assert f"**{plain(HOSTILE)}** with {plain(HOSTILE_NAME)}" in text
    assert homework.info[-1].value.startswith(f"**{plain(HOSTILE_NAME)}** wrote on ")
    assert homework.info[-1].value.endswith(f"{plain(HOSTILE)}  \n{plain(SQL)}")
    assert not re.search(r"(?<!\\)<", text) and "](javascript" not in text and ":red[" not in text


def test_sql_shaped_input_is_just_stored_and_shown_as_text(small_course, store):
    at = app("account")
    sign_up(at, "bobby", name=SQL)
    assert not at.exception
    bobby = store.sign_in("bobby", PASSWORD)
    assert bobby.display_name == SQL
    tess = trainer(store, "tess")
    group = store.create_group(tess, SQL)
    store.join_group(bobby, group.join_code)
    assert [m.member.display_name for m in store.dashboard(tess, group.id).rows] == [SQL]
    open_page(at, "homework")
    assert f"**{plain(SQL)}** with Coach Tess" in shown(at)
    assert as_shown(plain(SQL)) == SQL


def test_the_home_page_invites_a_visitor_to_sign_in(small_course, data_dir):
    at = app()
    assert "Sign in to keep your progress" in page_links(at)


def test_the_home_page_tells_a_member_what_homework_is_due(small_course, store, week1):
    _tess, group, work = week1
    amy = member(store, "amy")
    at = app(account=amy)
    assert not [link for link in page_links(at) if "Homework" in link], "no homework before joining"
    store.join_group(amy, group.join_code)
    at = app(account=amy)
    assert f"Homework: 1 to do, next due {work.due:%a %d %b}" in page_links(at)


def test_the_home_page_points_a_trainer_to_the_dashboard(small_course, store, week1):
    tess, _group, _work = week1
    assert "Your members, on the dashboard" in page_links(app(account=tess))


# --- what the owner controls ---------------------------------------------------------------------


def test_changing_the_password_on_the_account_page_keeps_this_tab_and_ends_the_others(small_course, store):
    amy = member(store, "amy")
    phone = store.start_session(amy)
    at = app("account", account=amy)
    at.text_input(key="change_current").input(PASSWORD)
    at.text_input(key="change_new").input("squats on a sunday morning")
    at.button(key="change-password").click().run()
    assert not at.exception
    assert at.success[-1].value.startswith("Password changed.")
    assert store.account_for_session(phone) is None
    assert store.account_for_session(at.session_state["session_token"]) == amy
    assert store.sign_in("amy", "squats on a sunday morning") == amy


def test_a_wrong_current_password_changes_nothing(small_course, store):
    amy = member(store, "amy")
    at = app("account", account=amy)
    at.text_input(key="change_current").input("not it")
    at.text_input(key="change_new").input("squats on a sunday morning")
    at.button(key="change-password").click().run()
    assert at.error[0].value == "That isn't your password. Type the one you sign in with."
    assert store.sign_in("amy", PASSWORD) == amy


def test_the_download_is_made_at_a_press_and_holds_the_members_data(small_course, store):
    amy = member(store, "amy")
    store.progress(amy).mark_read("a-1")
    at = app("account", account=amy)
    assert not at.get("download_button")
    at.button(key="prepare-export").click().run()
    assert not at.exception
    assert at.get("download_button")[0].proto.label == "Download my data (JSON)"
    account_id, text = at.session_state["export_ready"]
    assert account_id == amy.id and [row["lesson_id"] for row in json.loads(text)["lessons_read"]] == ["a-1"]


def test_deleting_the_account_asks_for_the_password_and_a_tick_then_signs_out(small_course, store):
    amy = member(store, "amy")
    at = app("account", account=amy)
    assert at.button(key="delete-account").disabled, "not without the tick"
    at.text_input(key="delete_password").input("not it")
    at.checkbox(key="delete_sure").check().run()
    at.button(key="delete-account").click().run()
    assert at.error[0].value.startswith("That isn't your password.")
    assert store.sign_in("amy", PASSWORD) == amy
    at.text_input(key="delete_password").input(PASSWORD)
    at.button(key="delete-account").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Your account is deleted")
    assert at.session_state["account"] is None
    with pytest.raises(StoreError):
        store.sign_in("amy", PASSWORD)


def _tab_container(at):
    """The proto of the page's one set of tabs (AppTest lists the tabs, not their container)."""
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if (
            proto is not None
            and "tab_container" in getattr(proto.DESCRIPTOR, "fields_by_name", {})
            and proto.HasField("tab_container")
        ):
            found.append(proto.tab_container)
        children = getattr(node, "children", {})
        stack.extend(children.values() if isinstance(children, dict) else children)
    (container,) = found
    return container


def test_an_invite_link_opens_on_create_an_account_and_the_plain_page_on_sign_in(small_course, data_dir):
    invited = app("account", query={"join": "ABCD-EFGH"})
    assert not invited.exception
    assert [tab.label for tab in invited.tabs] == ["Sign in", "Create an account"]
    assert _tab_container(invited).default_tab_index == 1, "a new invitee lands where they sign up"
    assert "then you'll be asked to join the group" in shown(invited)
    plain_visit = app("account")
    assert _tab_container(plain_visit).default_tab_index == 0


def test_each_lesson_leads_to_the_next_and_the_last_to_the_self_check(small_course, data_dir):
    first = app("a-1")
    assert not first.exception
    assert any(label.startswith("Next: 2.") for label in page_links(first))
    assert "Next: check your hinge from your clip" not in page_links(first)
    last = app("a-2")
    assert not last.exception
    assert "Next: check your hinge from your clip" in page_links(last)
