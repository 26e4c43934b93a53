"""What the store's tests share: a clock the test moves, and people and groups built in code.
Their fixtures (a store on each backend) are in tests/store/conftest.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher

from course.progress import QuizAttempt
from course.store import Account, Group, Store

# Argon2id at its cheapest: the store's own default costs ~0.1 s a hash, which would dominate
# the suite. Only test_old_hashes_are_upgraded_when_signing_in uses the real default.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct horse battery"
START = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)  # a Tuesday evening class
BACKENDS = ["sqlite", "postgresql"]


class Clock:
    """The store's clock in tests: stands still until the test moves it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def member(store: Store, name: str) -> Account:
    return store.sign_up(name, PASSWORD, display_name=name.capitalize(), role="member")


def trainer(store: Store, name: str) -> Account:
    return store.sign_up(name, PASSWORD, display_name=f"Coach {name.capitalize()}", role="trainer")


def attempt(lesson_id: str, correct: int, total: int = 4, at: datetime = START, **answers: set[int]) -> QuizAttempt:
    picked = {qid: frozenset(choices) for qid, choices in answers.items()} or {"q1": frozenset({0})}
    return QuizAttempt(lesson_id, picked, correct, total, at)


def report(verdict: str = "Solid hinge", outcome: str = "judged", **extra: object) -> dict:
    """A self-check report as ``Report.to_json()`` shapes it (the keys the store reads, plus some)."""
    return {
        "schema": 1,
        "outcome": outcome,
        "verdict": verdict,
        "message": "3 reps judged.",
        "view": "side",
        "people": 1,
        "reps": [{"number": 1, "hip": {"degrees": 81.5}}],
        "faults": [],
        "cues": [],
        **extra,
    }


@dataclass
class Gym:
    """Two trainers, each with a group; amy and ben in Coach Tess's, cal in Coach Uma's, and dee in
    no group."""

    tess: Account
    uma: Account
    amy: Account
    ben: Account
    cal: Account
    dee: Account
    tuesday: Group
    thursday: Group


def build_gym(store: Store) -> Gym:
    tess, uma = trainer(store, "tess"), trainer(store, "uma")
    amy, ben, cal, dee = (member(store, name) for name in ("amy", "ben", "cal", "dee"))
    tuesday = store.create_group(tess, "Tuesday beginners")
    thursday = store.create_group(uma, "Thursday strength")
    store.join_group(amy, tuesday.join_code)
    store.join_group(ben, tuesday.join_code)
    store.join_group(cal, thursday.join_code)
    return Gym(tess, uma, amy, ben, cal, dee, tuesday, thursday)
