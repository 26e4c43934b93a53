"""What the store costs against bare SQLite, in one run.

    uv run --frozen python benchmarks/store.py [--attempts N] [--repeat N] [--url URL]

Recording a quiz attempt: ``store.progress(member).record_quiz_attempt(...)`` (the actor checked
again, one transaction, on SQLite ``BEGIN IMMEDIATE``), against a bare ``sqlite3`` loop that
inserts the same row into the same table shape, one insert per transaction, in a file in the
same folder with the store's journal settings (WAL, synchronous=NORMAL), so the ratio is the
store's own overhead, not a different durability.

The trainer's dashboard: a group of 200 members with 50 quiz attempts each (plus lessons read,
two self-checks each, three assignments and submissions), built with bulk inserts; then
``store.dashboard()`` is timed several times and the median reported, against the 1 s budget
and against one bare driver query that reads the same attempts.

Runs alternate (bare, store, bare, ...) and medians are compared, so a busy machine hurts both
alike. ``--url`` runs the store on PostgreSQL instead (use a throwaway database: the benchmark
fills it); the bare SQLite loop stays the baseline, and a bare psycopg loop on that server is
added beside it.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher

from course.progress import QuizAttempt
from course.store import open_store
from course.store.schema import (
    accounts,
    lessons_read,
    memberships,
    quiz_attempts,
    self_checks,
    submissions,
)

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # sign-up is not measured
START = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)
LESSONS = [f"lesson-{n}" for n in range(8)]
DASHBOARD_BUDGET_S = 1.0  # "well under 1 s" for 200 members x 50 attempts
ANSWERS = {"q1": frozenset({1}), "q2": frozenset({0, 2}), "q3": frozenset({2}), "q4": frozenset({0})}
ANSWERS_JSON = json.dumps({k: sorted(v) for k, v in ANSWERS.items()}, sort_keys=True, separators=(",", ":"))

BARE_TABLE = """CREATE TABLE IF NOT EXISTS quiz_attempts (
    id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, lesson_id VARCHAR(80) NOT NULL,
    answers TEXT NOT NULL, correct INTEGER NOT NULL, total INTEGER NOT NULL, at TIMESTAMP NOT NULL)"""


def bare_sqlite_inserts(path: Path, count: int) -> float:
    """Seconds per insert: sqlite3, one INSERT per transaction, WAL + synchronous=NORMAL."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(BARE_TABLE)
    start = time.perf_counter()
    for n in range(count):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO quiz_attempts (account_id, lesson_id, answers, correct, total, at) VALUES (?, ?, ?, ?, ?, ?)",
            (1, LESSONS[n % len(LESSONS)], ANSWERS_JSON, n % 5, 4, (START + timedelta(seconds=n)).isoformat(" ")),
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed / count


def bare_driver_inserts(engine: sa.Engine, count: int) -> float:
    """Seconds per insert through the bare driver (psycopg) on the store's server, one per
    transaction, into a temporary table of the same shape."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(
            BARE_TABLE.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE IF NOT EXISTS")
            .replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")
            .replace("TIMESTAMP", "TIMESTAMPTZ")
        )
        raw.commit()
        start = time.perf_counter()
        for n in range(count):
            cursor.execute(
                "INSERT INTO quiz_attempts (account_id, lesson_id, answers, correct, total, at) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (1, LESSONS[n % len(LESSONS)], ANSWERS_JSON, n % 5, 4, START + timedelta(seconds=n)),
            )
            raw.commit()
        return (time.perf_counter() - start) / count
    finally:
        raw.close()


def store_inserts(store, member, count: int, offset: int) -> float:
    """Seconds per quiz attempt recorded through the store."""
    progress = store.progress(member)
    attempts = [
        QuizAttempt(LESSONS[n % len(LESSONS)], ANSWERS, n % 5, 4, START + timedelta(seconds=offset + n))
        for n in range(count)
    ]
    start = time.perf_counter()
    for attempt in attempts:
        progress.record_quiz_attempt(attempt)
    return (time.perf_counter() - start) / count


def build_group(store, members: int, attempts_each: int) -> tuple[object, int]:
    """A trainer and a group of ``members`` with their work, inserted in bulk. Returns the trainer
    and the group id."""
    coach = store.sign_up("bench-coach", "correct horse battery", display_name="Coach", role="trainer")
    group = store.create_group(coach, "Benchmark group")
    password_hash = CHEAP_HASHER.hash("correct horse battery")
    homework = [
        store.create_assignment(
            coach,
            group.id,
            title=f"Week {n + 1}",
            due=date(2025, 3, 11 + 7 * n),
            lesson_ids=LESSONS[2 * n : 2 * n + 2],
            quiz_lesson_ids=LESSONS[2 * n : 2 * n + 1],
            self_check=n == 2,
        )
        for n in range(3)
    ]
    engine = store._engine  # bulk loading is the benchmark's business, not the pages'
    with engine.begin() as connection:
        connection.execute(
            accounts.insert(),
            [
                {
                    "username": f"bench{n:04d}",
                    "username_key": f"bench{n:04d}",
                    "display_name": f"Member {n:04d}",
                    "role": "member",
                    "password_hash": password_hash,
                    "created_at": START,
                }
                for n in range(members)
            ],
        )
        ids = (
            connection.execute(
                sa.select(accounts.c.id).where(accounts.c.display_name.like("Member %")).order_by(accounts.c.id)
            )
            .scalars()
            .all()
        )
        connection.execute(
            memberships.insert(), [{"group_id": group.id, "member_id": i, "joined_at": START} for i in ids]
        )
        connection.execute(
            lessons_read.insert(),
            [
                {"account_id": i, "lesson_id": lesson, "at": START}
                for k, i in enumerate(ids)
                for lesson in LESSONS[: k % len(LESSONS) + 1]
            ],
        )
        connection.execute(
            quiz_attempts.insert(),
            [
                {
                    "account_id": i,
                    "lesson_id": LESSONS[(k + a) % len(LESSONS)],
                    "answers": ANSWERS_JSON,
                    "correct": (k * 7 + a * 3) % 5,
                    "total": 4,
                    "at": START + timedelta(minutes=a),
                }
                for k, i in enumerate(ids)
                for a in range(attempts_each)
            ],
        )
        report = json.dumps({"schema": 1, "outcome": "judged", "verdict": "Solid hinge", "reps": []})
        connection.execute(
            self_checks.insert(),
            [
                {
                    "account_id": i,
                    "at": START + timedelta(days=d),
                    "outcome": "judged",
                    "verdict": ("Solid hinge", "Looks like a squat")[d],
                    "report": report,
                }
                for i in ids
                for d in range(2)
            ],
        )
        checks = dict(
            connection.execute(
                sa.select(self_checks.c.account_id, sa.func.max(self_checks.c.id))
                .where(self_checks.c.account_id.in_(ids))
                .group_by(self_checks.c.account_id)
            ).all()
        )
        connection.execute(
            submissions.insert(),
            [
                {"assignment_id": homework[2].id, "member_id": i, "self_check_id": checks[i], "at": START}
                for k, i in enumerate(ids)
                if k % 2 == 0
            ],
        )
    return coach, group.id


def bare_read(engine: sa.Engine, group_id: int) -> float:
    """Seconds for one bare driver query reading every quiz attempt of the group's members."""
    raw = engine.raw_connection()
    try:
        marker = "?" if engine.dialect.name == "sqlite" else "%s"
        cursor = raw.cursor()
        start = time.perf_counter()
        cursor.execute(
            "SELECT account_id, lesson_id, correct, total, at FROM quiz_attempts WHERE account_id IN "
            f"(SELECT member_id FROM memberships WHERE group_id = {marker})",
            (group_id,),
        )
        rows = cursor.fetchall()
        elapsed = time.perf_counter() - start
        raw.rollback()
        assert rows
        return elapsed
    finally:
        raw.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1000, help="quiz attempts recorded per run (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--attempts-each", type=int, default=50)
    parser.add_argument("--url", help="a throwaway PostgreSQL database for the store (default: SQLite)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="store-bench-") as folder:
        folder = Path(folder)
        store = open_store(args.url or f"sqlite:///{folder / 'course.sqlite3'}", hasher=CHEAP_HASHER)
        try:
            member = store.sign_up("bench-member", "correct horse battery", display_name="Bench member", role="member")
            store_inserts(store, member, 50, offset=0)  # warm up: pool, statement caches
            bare_sqlite_inserts(folder / "bare-warmup.sqlite3", 50)
            bare, stored, driver = [], [], []
            for run in range(args.repeat):
                bare.append(bare_sqlite_inserts(folder / f"bare{run}.sqlite3", args.attempts))
                stored.append(store_inserts(store, member, args.attempts, offset=(run + 1) * args.attempts))
                if store.backend == "postgresql":
                    driver.append(bare_driver_inserts(store._engine, args.attempts))

            built = time.perf_counter()
            coach, group_id = build_group(store, args.members, args.attempts_each)
            built = time.perf_counter() - built
            board = store.dashboard(coach, group_id)  # warm up
            assert len(board.rows) == args.members
            boards, reads = [], []
            for _ in range(args.repeat):
                reads.append(bare_read(store._engine, group_id))
                start = time.perf_counter()
                store.dashboard(coach, group_id)
                boards.append(time.perf_counter() - start)
        finally:
            store.close()

    b, s = statistics.median(bare), statistics.median(stored)
    d, r = statistics.median(boards), statistics.median(reads)
    where = (
        store.backend if not args.url else f"postgresql ({sa.make_url(args.url).render_as_string(hide_password=True)})"
    )
    print(f"store on  {where}; medians of {args.repeat} runs")
    print(
        f"bare      {b * 1e6:8.0f} µs per quiz attempt  (sqlite3, one INSERT per transaction, WAL, synchronous=NORMAL)"
    )
    if driver:
        p = statistics.median(driver)
        print(f"bare pg   {p * 1e6:8.0f} µs per quiz attempt  (psycopg, one INSERT per transaction, same server)")
    print(f"store     {s * 1e6:8.0f} µs per quiz attempt  (record_quiz_attempt: actor check + insert, one transaction)")
    print(f"ratio     {s / b:8.1f}  (store / bare sqlite3)")
    if driver:
        print(f"ratio pg  {s / p:8.1f}  (store / bare psycopg)")
    print(f"data      {args.members} members x {args.attempts_each} attempts built in {built:.2f} s (bulk inserts)")
    print(f"bare read {r * 1e3:8.1f} ms  (one query reading every attempt of the group)")
    print(f"dashboard {d * 1e3:8.1f} ms  (store.dashboard: {args.members} rows, all lessons, assignments)")
    print(f"ratio     {d / r:8.1f}  (dashboard / bare read)")
    print(f"budget    {d / DASHBOARD_BUDGET_S:8.2f}  (dashboard / {DASHBOARD_BUDGET_S:g} s; under 1 is within budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
