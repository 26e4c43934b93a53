"""A trainer's group set up in a store on disk, for the browser tests of the trainer's and the
members' pages (tests/test_accessibility.py, tests/test_dashboard_browser.py).

Coach Tess's "Tuesday 7 pm" group has two homework: "Week 1" (due in a week: read lesson 1,
pass its quiz, hand in a self-check) and "Last week" (due three days ago: read lesson 2, pass
its quiz). Amy did every part of both, with a real report of the analysis (three good hinges,
synthetic) handed in; Ben did nothing, so "Last week" is overdue for him; Cal read lessons 1 and
2 and passed quiz 1: 2 of Week 1's 3 parts, 1 of Last week's 2, so it is overdue for him too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from course.analysis.faults import find_faults
from course.analysis.kinematics import measure_motion
from course.analysis.report import build_report
from course.content import load_course
from course.landmarks import Camera
from course.motions import MOTIONS
from course.progress import QuizAttempt
from course.store import open_store
from course.synthetic_landmarks import landmark_sequence
from tests.browser import running_app
from tests.page_harness import member, trainer

GROUP = "Tuesday 7 pm"
WEEK_1 = "Week 1"
LAST_WEEK = "Last week"
WEEK_1_PARTS = 3  # read lesson 1, pass its quiz, hand in a self-check
LAST_WEEK_PARTS = 2  # read lesson 2, pass its quiz
PARTS_DONE = {"Amy": 5, "Ben": 0, "Cal": 3}  # of both homework, 5 parts in all
OVERDUE = {"Amy": 0, "Ben": 1, "Cal": 1}  # homework past its due date and not finished


@dataclass(frozen=True)
class Gym:
    """The store's folder and a session token per username (tess, amy, ben, cal)."""

    data_dir: Path
    sessions: dict[str, str]


@dataclass(frozen=True)
class ServedGym:
    """The app served on the gym's store: its address and a session token per username."""

    url: str
    sessions: dict[str, str]


@contextlib.contextmanager
def served_tuesday_group(folder: Path) -> Iterator[ServedGym]:
    """Coach Tess's group in a new store under ``folder``, and the app served on that store."""
    data = folder / "data"
    data.mkdir()
    gym = tuesday_group(data)
    with running_app(env={"HINGE_DATA_DIR": str(data)}) as url:
        yield ServedGym(url=url, sessions=gym.sessions)


def hinge_report() -> dict:
    """What the analysis makes of three good hinges filmed from the side, as the store keeps it."""
    motion = MOTIONS["good_hinge"](reps=3)
    track = measure_motion(
        landmark_sequence(motion, Camera.side_view("right"), noise_px=2.0, rng=np.random.default_rng(5))
    )
    report = build_report(track, find_faults(track, "side"), load_course().cues, view="side", people=1, timings={})
    return report.to_json()


def passed_quiz(lesson_id: str) -> QuizAttempt:
    """Every question of a lesson's quiz answered right."""
    total = len(load_course().lesson(lesson_id).quiz)
    return QuizAttempt(lesson_id, {}, total, total, datetime.now(UTC))


def tuesday_group(data_dir: Path) -> Gym:
    """Set up the group (see the module's docstring) in a new store in ``data_dir``."""
    store = open_store(data_dir=data_dir)
    try:
        tess = trainer(store, "tess")
        amy, ben, cal = member(store, "amy"), member(store, "ben"), member(store, "cal")
        group = store.create_group(tess, GROUP)
        for person in (amy, ben, cal):
            store.join_group(person, group.join_code)
        week1 = store.create_assignment(
            tess,
            group.id,
            title=WEEK_1,
            due=date.today() + timedelta(days=7),
            lesson_ids=["your-hip-joint"],
            quiz_lesson_ids=["your-hip-joint"],
            self_check=True,
        )
        store.create_assignment(
            tess,
            group.id,
            title=LAST_WEEK,
            due=date.today() - timedelta(days=3),
            lesson_ids=["what-is-a-hinge"],
            quiz_lesson_ids=["what-is-a-hinge"],
            self_check=False,
        )
        for person, lessons, quizzes in (
            (amy, ["your-hip-joint", "what-is-a-hinge"], ["your-hip-joint", "what-is-a-hinge"]),
            (cal, ["your-hip-joint", "what-is-a-hinge"], ["your-hip-joint"]),
        ):
            progress = store.progress(person)
            for lesson in lessons:
                progress.mark_read(lesson)
            for lesson in quizzes:
                progress.record_quiz_attempt(passed_quiz(lesson))
        store.submit_self_check(amy, week1.id, store.save_self_check(amy, hinge_report()).id)
        sessions = {person.username: store.start_session(person) for person in (tess, amy, ben, cal)}
    finally:
        store.close()
    return Gym(data_dir, sessions)
