"""The frozen records the store hands to pages: plain data, never database rows or sessions.

Times are timezone-aware UTC datetimes. Mappings inside records are read-only views, and a
report dict is a fresh copy: changing what a page got changes nothing stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, Literal

from course.progress import QuizAttempt

Role = Literal["member", "trainer"]
ROLES: tuple[Role, ...] = ("member", "trainer")


@dataclass(frozen=True, slots=True)
class Account:
    """Who is acting. Pages get one from sign-up, sign-in or a session token and pass it back."""

    id: int
    username: str
    display_name: str
    role: Role

    @property
    def is_trainer(self) -> bool:
        return self.role == "trainer"


@dataclass(frozen=True, slots=True)
class ResetCode:
    """A one-time code a trainer made for a member who forgot their password: shown to the
    trainer once (only its hash is stored), good until ``expires_at`` or its first use."""

    code: str = field(repr=False)
    member_id: int
    member_name: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SelfCheckRecord:
    """One saved self-check: the report's verdict and outcome, and the whole report (a copy)."""

    id: int
    account_id: int
    at: datetime
    outcome: str  # judged | partial | refused
    verdict: str
    report: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class SelfCheckSummary:
    """A self-check without its report: for lists and dashboards."""

    id: int
    at: datetime
    outcome: str
    verdict: str


@dataclass(frozen=True, slots=True)
class Group:
    """A trainer's class. ``member_count`` is given to the trainer only (None for members)."""

    id: int
    title: str
    join_code: str
    trainer_id: int
    trainer_name: str
    created_at: datetime
    member_count: int | None = None
    closed_at: datetime | None = None  # set: it takes no new members and no new homework

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Homework for a group: lessons to read, quizzes to pass, maybe a self-check, by a date."""

    id: int
    group_id: int
    group_title: str
    title: str
    due: date
    lesson_ids: tuple[str, ...]  # to read
    quiz_lesson_ids: tuple[str, ...]  # whose quiz to pass
    pass_fraction: float  # share of a quiz's questions right to pass it here
    self_check: bool  # a self-check must be submitted
    note: str
    created_at: datetime

    @property
    def parts(self) -> tuple[Part, ...]:
        """Each thing to do, in the trainer's order: lessons to read, quizzes to pass, the
        self-check."""
        return (
            tuple(Part("read", lesson) for lesson in self.lesson_ids)
            + tuple(Part("quiz", lesson) for lesson in self.quiz_lesson_ids)
            + ((Part("self_check"),) if self.self_check else ())
        )


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a homework: a lesson to read, a lesson's quiz to pass, or the self-check."""

    task: Literal["read", "quiz", "self_check"]
    lesson_id: str = ""


@dataclass(frozen=True, slots=True)
class Submission:
    """A member's self-check handed in for an assignment (one per member and assignment)."""

    id: int
    assignment_id: int
    member_id: int
    self_check_id: int
    at: datetime
    outcome: str
    verdict: str


@dataclass(frozen=True, slots=True)
class Feedback:
    """A trainer's note on a submission. ``self_check_id`` is the self-check it was written
    about: when the member has since resubmitted, it differs from the submission's."""

    id: int
    submission_id: int
    assignment_id: int
    assignment_title: str
    trainer_id: int
    trainer_name: str
    self_check_id: int
    text: str
    at: datetime
    replies: tuple[Reply, ...] = ()  # oldest first


@dataclass(frozen=True, slots=True)
class Reply:
    """One message under a piece of feedback, by the member or the trainer."""

    id: int
    feedback_id: int
    author_id: int
    author_name: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class NewHandIn:
    """A hand-in the trainer hasn't looked at since it came in (or was handed in again)."""

    submission_id: int
    group_id: int
    group_title: str
    assignment_id: int
    assignment_title: str
    member_id: int
    member_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AssignmentStatus:
    """An assignment and how far it is done.

    For a member: their own lessons read, quizzes passed (best attempt at the assignment's pass
    mark), submission and the feedback on it; ``done`` when all of it is there, ``overdue`` when
    the due date has passed (in UTC) and it is not done.

    For a trainer: ``members_done`` of ``members_total``; ``done`` when every member is done
    (and there is at least one), ``overdue`` when the due date has passed and someone is not.
    The per-member fields are empty.
    """

    assignment: Assignment
    done: bool
    overdue: bool
    lessons_read: frozenset[str] = frozenset()
    quizzes_passed: frozenset[str] = frozenset()
    submission: Submission | None = None
    feedback: tuple[Feedback, ...] = ()
    members_done: int | None = None
    members_total: int | None = None

    @property
    def self_check_submitted(self) -> bool:
        return self.submission is not None

    def due_soon(self, now: datetime, window: timedelta) -> bool:
        """Not done, not overdue, and the end of its due day (UTC, as ``overdue`` counts it) is
        within ``window`` of ``now``."""
        end_of_due_day = datetime.combine(self.assignment.due + timedelta(days=1), time(), UTC)
        return not self.done and not self.overdue and end_of_due_day - now <= window

    @property
    def parts_done(self) -> frozenset[Part]:
        """A member's parts done (empty for a trainer's status)."""
        return frozenset(
            part
            for part in self.assignment.parts
            if (part.task == "read" and part.lesson_id in self.lessons_read)
            or (part.task == "quiz" and part.lesson_id in self.quizzes_passed)
            or (part.task == "self_check" and self.submission is not None)
        )


@dataclass(frozen=True, slots=True)
class Member:
    """A member as their trainer sees them."""

    id: int
    username: str
    display_name: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class QuizBest:
    """A member's best attempt at one lesson's quiz (the highest share right, then the most right)
    and how many attempts they made."""

    correct: int
    total: int
    attempts: int

    @property
    def score_text(self) -> str:
        return f"{self.correct} of {self.total}"


@dataclass(frozen=True, slots=True)
class DashboardRow:
    member: Member
    lessons_read: frozenset[str]
    quizzes: Mapping[str, QuizBest]  # lesson id -> best attempt; lessons never tried are absent
    latest_self_check: SelfCheckSummary | None
    assignments_done: Mapping[int, bool]  # assignment id -> done
    parts_done: Mapping[int, frozenset[Part]] = field(default_factory=lambda: MappingProxyType({}))  # by assignment id


@dataclass(frozen=True, slots=True)
class GroupDashboard:
    """One row per member (by display name), and the group's assignments (by due date)."""

    group: Group
    assignments: tuple[Assignment, ...]
    rows: tuple[DashboardRow, ...]


@dataclass(frozen=True, slots=True)
class SubmittedSelfCheck:
    """A submission with the full report of the self-check handed in and the feedback on it."""

    submission: Submission
    assignment_title: str
    report: Mapping[str, Any] = field(repr=False)
    feedback: tuple[Feedback, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberDetail:
    """Everything a trainer may see of one member of their group. Only self-checks the member
    submitted to this group's assignments are included, never the others."""

    member: Member
    group: Group
    lessons_read: frozenset[str]
    quiz_attempts: tuple[QuizAttempt, ...]  # oldest first
    submissions: tuple[SubmittedSelfCheck, ...]  # newest first
    feedback: tuple[Feedback, ...]  # left on this member's submissions, newest first
