"""The store's groups and homework: joining with consent, a trainer's groups and members,
homework and its parts, hand-ins, feedback and replies, the dashboard's views."""

from __future__ import annotations

import json
import logging
import math
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from course.progress import QUIZ_PASS_FRACTION
from course.store import access_codes, rules, validate
from course.store.core import StoreCore, record_id
from course.store.errors import (
    InvalidInput,
    NotAllowed,
    StoreError,
)
from course.store.learning import attempt_record
from course.store.records import (
    Account,
    Assignment,
    AssignmentStatus,
    DashboardRow,
    Feedback,
    Group,
    GroupDashboard,
    Member,
    MemberDetail,
    NewHandIn,
    Part,
    QuizBest,
    Reply,
    ResetCode,
    SelfCheckSummary,
    Submission,
    SubmittedSelfCheck,
)
from course.store.schema import access_codes as access_codes_table
from course.store.schema import (
    accounts,
    assignment_lessons,
    assignments,
    feedback,
    feedback_replies,
    groups,
    lessons_read,
    memberships,
    quiz_attempts,
    self_checks,
    submissions,
)

NO_SELF_CHECK_ASKED = "This homework doesn't ask for a self-check, so there is nothing to hand in."
GROUP_CLOSED = "This group is closed: it takes no new members or homework. Ask your trainer for a new one."
THREAD_FULL = (
    "This conversation has reached its {limit} replies. Talk it over at the gym, or your trainer "
    "can leave new feedback."
)
log = logging.getLogger(__name__)
_JOIN_CODE_TRIES = 5  # a clash among 850 billion codes is rare; five in a row means a bug
_EPS = 1e-9  # the same slack as course.progress.questions_to_pass


class HomeworkPart(StoreCore):
    """Groups and homework: a trainer's groups, their members, homework, hand-ins and feedback."""

    # --- groups ------------------------------------------------------------------------------

    def create_group(self, trainer: Account, title: str) -> Group:
        """A new group of ``trainer``'s with a fresh join code. Raises NotAllowed for a member,
        InvalidInput for a title that is empty or too long, StoreError when _JOIN_CODE_TRIES
        codes in a row are taken (a bug: logged)."""
        title = validate.text(title, field="title", label="The group's name", rule=rules.GROUP_TITLE)
        now = self._now()
        for _ in range(_JOIN_CODE_TRIES):
            code = "".join(secrets.choice(rules.JOIN_CODE_ALPHABET) for _ in range(int(rules.JOIN_CODE_LENGTH.value)))
            try:
                with self._writing() as connection:
                    self._actor(connection, trainer, "trainer")
                    group_id = connection.execute(
                        groups.insert().returning(groups.c.id),
                        {"trainer_id": trainer.id, "title": title, "join_code": code, "created_at": now},
                    ).scalar_one()
            except sa.exc.IntegrityError:
                continue  # the code was taken: draw another
            return Group(group_id, title, code, trainer.id, trainer.display_name, now, member_count=0)
        log.error("%d join codes in a row were taken: the code alphabet or length is too small", _JOIN_CODE_TRIES)
        raise StoreError("The group could not be given a join code just now. Try again in a moment.")

    def group_to_join(self, member: Account, join_code: str) -> Group:
        """The group this code would join, without joining it: what a member is shown before
        saying yes (its title and its trainer's name). Raises InvalidInput for a code no group
        has or a closed group's (so a closed group is never offered), NotAllowed for a trainer."""
        code = validate.join_code(join_code)
        with self._reading() as connection:
            self._actor(connection, member, "member")
            return _group(_open_group_by_code(connection, code))

    def join_group(self, member: Account, join_code: str) -> Group:
        """Join the group with this code (spaces, dashes and case ignored): from now on its
        trainer sees the member's progress. Call it only once the member has said yes to that
        (``group_to_join`` names the group). Joining again changes nothing. Raises InvalidInput
        for a code no group has, NotAllowed for a trainer."""
        code = validate.join_code(join_code)
        with self._writing() as connection:
            self._actor(connection, member, "member")
            row = _open_group_by_code(connection, code)
            connection.execute(
                self._insert(memberships).on_conflict_do_nothing(),
                {"group_id": row.id, "member_id": member.id, "joined_at": self._now()},
            )
        return _group(row)

    def leave_group(self, member: Account, group_id: int) -> Group:
        """Leave a group: its trainer sees nothing more of the member, neither progress nor the
        self-checks handed in to its homework (those hand-ins and the feedback on them go; the
        self-checks stay in the member's own record). Raises NotAllowed for a group the member
        is not in."""
        with self._writing() as connection:
            self._actor(connection, member, "member")
            row = connection.execute(
                _group_query()
                .join(memberships, memberships.c.group_id == groups.c.id)
                .where(groups.c.id == record_id(group_id), memberships.c.member_id == member.id)
            ).first()
            if row is None:
                raise NotAllowed()
            _drop_membership(connection, row.id, member.id)
        return _group(row)

    def remove_member(self, trainer: Account, group_id: int, member_id: int) -> Member:
        """Take a member out of the trainer's group, exactly as if they had left it: the trainer
        sees nothing more of them (their hand-ins to this group's homework and the feedback on
        them go; the member keeps their own progress and self-checks). Raises NotAllowed for a
        group not the trainer's or a person not in it."""
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            member = next(iter(load_members(connection, group.id, record_id(member_id))), None)
            if member is None:
                raise NotAllowed()
            _drop_membership(connection, group.id, member.id)
        return member

    def close_group(self, trainer: Account, group_id: int) -> Group:
        """Close one of the trainer's groups: it takes no new members and no new homework, its
        join code stops working, and it stays in the trainer's list marked closed so they can
        still read what was handed in. Members keep their progress. Closing again changes
        nothing. Raises NotAllowed for a group not the trainer's."""
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            if group.closed:
                return group
            now = self._now()
            connection.execute(groups.update().where(groups.c.id == group.id).values(closed_at=now))
        return Group(
            group.id,
            group.title,
            group.join_code,
            group.trainer_id,
            group.trainer_name,
            group.created_at,
            group.member_count,
            now,
        )

    def groups(self, actor: Account) -> list[Group]:
        """A trainer's own groups (with member counts), or the groups a member joined; by title."""
        with self._reading() as connection:
            self._actor(connection, actor)
            if actor.is_trainer:
                counts = _member_counts()
                rows = connection.execute(
                    _group_query(counts.c.members)
                    .outerjoin(counts, counts.c.group_id == groups.c.id)
                    .where(groups.c.trainer_id == actor.id)
                )
                found = [_group(row, row.members or 0) for row in rows]
            else:
                rows = connection.execute(
                    _group_query()
                    .join(memberships, memberships.c.group_id == groups.c.id)
                    .where(memberships.c.member_id == actor.id)
                )
                found = [_group(row) for row in rows]
        return sorted(found, key=lambda group: (group.title.casefold(), group.id))

    def issue_reset_code(self, trainer: Account, group_id: int, member_id: int) -> ResetCode:
        """A one-time code with which a member of the trainer's group who forgot their password
        sets a new one (``reset_password``), good for RESET_CODE_LIFETIME. It replaces any
        earlier reset code for that member; only its hash is stored, so it is shown once.
        Raises NotAllowed for a group not the trainer's or a person not in it."""
        now = self._now()
        code = access_codes.new_code()
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            member = next(iter(load_members(connection, group.id, record_id(member_id))), None)
            if member is None:
                raise NotAllowed()
            connection.execute(
                access_codes_table.delete().where(
                    access_codes_table.c.kind == "reset",
                    sa.or_(access_codes_table.c.account_id == member.id, access_codes_table.c.expires_at <= now),
                )
            )
            expires = now + timedelta(hours=rules.RESET_CODE_LIFETIME.value)
            connection.execute(
                access_codes_table.insert(),
                {
                    "account_id": member.id,
                    "kind": "reset",
                    "created_at": now,
                    "expires_at": expires,
                    "code_sha256": access_codes.new_code_hash(code),
                },
            )
        return ResetCode(code, member.id, member.display_name, expires)

    def _own_group(self, connection: sa.Connection, trainer: Account, group_id: int) -> Group:
        self._actor(connection, trainer, "trainer")
        counts = _member_counts()
        row = connection.execute(
            _group_query(counts.c.members)
            .outerjoin(counts, counts.c.group_id == groups.c.id)
            .where(groups.c.id == record_id(group_id), groups.c.trainer_id == trainer.id)
        ).first()
        if row is None:
            raise NotAllowed()
        return _group(row, row.members or 0)

    # --- homework ----------------------------------------------------------------------------

    def create_assignment(
        self,
        trainer: Account,
        group_id: int,
        *,
        title: str,
        due: date,
        lesson_ids: Sequence[str] = (),
        quiz_lesson_ids: Sequence[str] = (),
        pass_fraction: float = QUIZ_PASS_FRACTION,
        self_check: bool = True,
        note: str = "",
    ) -> Assignment:
        """Homework for one of the trainer's groups: lessons to read, lessons whose quiz to pass
        (at ``pass_fraction`` of the questions, by the best attempt), and a self-check to hand
        in. Lesson ids are not checked against the content (the store does not read it).
        Raises NotAllowed for a group that is not the trainer's, InvalidInput for a bad field,
        homework that asks for nothing, or a closed group."""
        fields = _homework_fields(title, due, lesson_ids, quiz_lesson_ids, pass_fraction, self_check, note)
        now = self._now()
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            if group.closed:
                raise InvalidInput("group_id", "This group is closed: it takes no new homework.")
            assignment_id = connection.execute(
                assignments.insert().returning(assignments.c.id),
                {"group_id": group.id, "created_at": now, **_columns(fields)},
            ).scalar_one()
            _write_parts(connection, assignment_id, fields)
        return Assignment(
            assignment_id,
            group.id,
            group.title,
            fields["title"],
            fields["due"],
            fields["read"],
            fields["quizzes"],
            fields["pass_fraction"],
            fields["self_check"],
            fields["note"],
            now,
        )

    def edit_assignment(
        self,
        trainer: Account,
        assignment_id: int,
        *,
        title: str,
        due: date,
        lesson_ids: Sequence[str] = (),
        quiz_lesson_ids: Sequence[str] = (),
        pass_fraction: float = QUIZ_PASS_FRACTION,
        self_check: bool = True,
        note: str = "",
    ) -> Assignment:
        """Change one of the trainer's homework: every field as ``create_assignment`` takes it.
        Work already done counts towards the new parts (a lesson read stays read); hand-ins and
        feedback stay, even when the self-check is no longer asked for. Raises NotAllowed for
        homework that is not the trainer's, InvalidInput as ``create_assignment`` does."""
        fields = _homework_fields(title, due, lesson_ids, quiz_lesson_ids, pass_fraction, self_check, note)
        with self._writing() as connection:
            row = self._own_assignment(connection, trainer, assignment_id)
            connection.execute(assignments.update().where(assignments.c.id == row.id).values(**_columns(fields)))
            connection.execute(assignment_lessons.delete().where(assignment_lessons.c.assignment_id == row.id))
            _write_parts(connection, row.id, fields)
        return Assignment(
            row.id,
            row.group_id,
            row.group_title,
            fields["title"],
            fields["due"],
            fields["read"],
            fields["quizzes"],
            fields["pass_fraction"],
            fields["self_check"],
            fields["note"],
            row.created_at,
        )

    def delete_assignment(self, trainer: Account, assignment_id: int) -> int:
        """Delete one of the trainer's homework with everything on it: its hand-ins, the feedback
        on them and its replies (the members' self-checks stay theirs). Returns how many hand-ins
        went. Raises NotAllowed for homework that is not the trainer's."""
        with self._writing() as connection:
            row = self._own_assignment(connection, trainer, assignment_id)
            handed_in = sa.select(submissions.c.id).where(submissions.c.assignment_id == row.id)
            notes = sa.select(feedback.c.id).where(feedback.c.submission_id.in_(handed_in))
            connection.execute(feedback_replies.delete().where(feedback_replies.c.feedback_id.in_(notes)))
            connection.execute(feedback.delete().where(feedback.c.submission_id.in_(handed_in)))
            gone = connection.execute(submissions.delete().where(submissions.c.assignment_id == row.id)).rowcount
            connection.execute(assignment_lessons.delete().where(assignment_lessons.c.assignment_id == row.id))
            connection.execute(assignments.delete().where(assignments.c.id == row.id))
        return gone

    def _own_assignment(self, connection: sa.Connection, trainer: Account, assignment_id: int) -> Any:
        self._actor(connection, trainer, "trainer")
        row = connection.execute(
            sa.select(
                assignments.c.id, assignments.c.group_id, assignments.c.created_at, groups.c.title.label("group_title")
            )
            .join(groups, groups.c.id == assignments.c.group_id)
            .where(assignments.c.id == record_id(assignment_id), groups.c.trainer_id == trainer.id)
        ).first()
        if row is None:
            raise NotAllowed()
        return row

    def assignments(self, actor: Account) -> list[AssignmentStatus]:
        """Homework with how far it is done, by due date.

        A member gets every assignment of every group they joined, with their own lessons read,
        quizzes passed, submission, feedback, ``done`` and ``overdue`` (due date passed, in UTC,
        and not done). A trainer gets their groups' assignments with how many members are done.
        """
        today = self._now().date()
        with self._reading() as connection:
            self._actor(connection, actor)
            if actor.is_trainer:
                group_ids = sa.select(groups.c.id).where(groups.c.trainer_id == actor.id)
                member_ids = sa.select(memberships.c.member_id).where(memberships.c.group_id.in_(group_ids))
            else:
                group_ids = sa.select(memberships.c.group_id).where(memberships.c.member_id == actor.id)
                member_ids = sa.select(sa.literal(actor.id))
            homework = _load_assignments(connection, group_ids)
            work = _load_work(connection, member_ids, [a.id for a in homework])
            if actor.is_trainer:
                rosters: dict[int, list[int]] = defaultdict(list)
                for row in connection.execute(sa.select(memberships).where(memberships.c.group_id.in_(group_ids))):
                    rosters[row.group_id].append(row.member_id)
                notes: dict[int, list[Feedback]] = {}
            else:
                notes = defaultdict(list)
                for note in _load_feedback(connection, submissions.c.member_id == actor.id):
                    notes[note.assignment_id].append(note)
        statuses = []
        for assignment in homework:
            if actor.is_trainer:
                roster = rosters.get(assignment.group_id, [])
                done_count = sum(_is_done(assignment, work, member) for member in roster)
                everyone = bool(roster) and done_count == len(roster)
                statuses.append(
                    AssignmentStatus(
                        assignment,
                        done=everyone,
                        overdue=today > assignment.due and not everyone,
                        members_done=done_count,
                        members_total=len(roster),
                    )
                )
            else:
                done = _is_done(assignment, work, actor.id)
                statuses.append(
                    AssignmentStatus(
                        assignment,
                        done=done,
                        overdue=today > assignment.due and not done,
                        lessons_read=frozenset(assignment.lesson_ids) & work.read[actor.id],
                        quizzes_passed=frozenset(
                            lesson
                            for lesson in assignment.quiz_lesson_ids
                            if work.passed(actor.id, lesson, assignment.pass_fraction)
                        ),
                        submission=work.submissions.get((assignment.id, actor.id)),
                        feedback=tuple(notes.get(assignment.id, ())),
                    )
                )
        return statuses

    def submit_self_check(self, member: Account, assignment_id: int, self_check_id: int) -> Submission:
        """Hand in one of the member's own self-checks for an assignment of a group they are in.
        Handing in again for the same assignment replaces the earlier one (feedback already left
        stays, marked with the self-check it was about). Raises NotAllowed for an assignment
        or self-check that is not theirs to use, InvalidInput when the homework asks for no
        self-check."""
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, member, "member")
            homework = connection.execute(
                sa.select(assignments.c.id, assignments.c.self_check)
                .join(memberships, memberships.c.group_id == assignments.c.group_id)
                .where(assignments.c.id == record_id(assignment_id), memberships.c.member_id == member.id)
            ).first()
            check = connection.execute(
                sa.select(self_checks.c.id, self_checks.c.outcome, self_checks.c.verdict).where(
                    self_checks.c.id == record_id(self_check_id), self_checks.c.account_id == member.id
                )
            ).first()
            if homework is None or check is None:
                raise NotAllowed()
            if not homework.self_check:
                raise InvalidInput("self_check", NO_SELF_CHECK_ASKED)
            statement = self._insert(submissions).values(
                assignment_id=homework.id, member_id=member.id, self_check_id=check.id, at=now
            )
            submission_id = connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[submissions.c.assignment_id, submissions.c.member_id],
                    set_={
                        "self_check_id": statement.excluded.self_check_id,
                        "at": statement.excluded.at,
                        "seen_at": None,
                    },
                ).returning(submissions.c.id)
            ).scalar_one()
        return Submission(submission_id, homework.id, member.id, check.id, now, check.outcome, check.verdict)

    def dashboard(self, trainer: Account, group_id: int) -> GroupDashboard:
        """One row per member of the trainer's group: lessons read, best quiz score and attempts
        per lesson, latest self-check's verdict, and which assignments are done. A fixed handful
        of queries, however many members. Raises NotAllowed for a group not the trainer's."""
        with self._reading() as connection:
            group = self._own_group(connection, trainer, group_id)
            members = load_members(connection, group.id)
            member_ids = sa.select(memberships.c.member_id).where(memberships.c.group_id == group.id)
            homework = _load_assignments(connection, sa.select(sa.literal(group.id)))
            work = _load_work(connection, member_ids, [a.id for a in homework])
            ranked = (
                sa.select(
                    self_checks.c.account_id,
                    self_checks.c.id,
                    self_checks.c.at,
                    self_checks.c.outcome,
                    self_checks.c.verdict,
                    sa.func.row_number()
                    .over(
                        partition_by=self_checks.c.account_id,
                        order_by=(self_checks.c.at.desc(), self_checks.c.id.desc()),
                    )
                    .label("n"),
                )
                .where(self_checks.c.account_id.in_(member_ids))
                .subquery()
            )
            latest = {
                row.account_id: SelfCheckSummary(row.id, row.at, row.outcome, row.verdict)
                for row in connection.execute(sa.select(ranked).where(ranked.c.n == 1))
            }
        rows = tuple(
            DashboardRow(
                member=member,
                lessons_read=frozenset(work.read[member.id]),
                quizzes=MappingProxyType(work.best(member.id)),
                latest_self_check=latest.get(member.id),
                assignments_done=MappingProxyType({a.id: _is_done(a, work, member.id) for a in homework}),
                parts_done=MappingProxyType({a.id: _parts_done(a, work, member.id) for a in homework}),
            )
            for member in members
        )
        return GroupDashboard(group, tuple(homework), rows)

    def member_detail(self, trainer: Account, group_id: int, member_id: int) -> MemberDetail:
        """Everything the trainer may see of one member of their group: lessons read, every quiz
        attempt, the self-checks handed in to this group's homework (full reports) and the
        feedback on them. Raises NotAllowed for a group not the trainer's or a person not in it."""
        with self._reading() as connection:
            group = self._own_group(connection, trainer, group_id)
            member = next((m for m in load_members(connection, group.id, record_id(member_id))), None)
            if member is None:
                raise NotAllowed()
            read = frozenset(
                connection.execute(
                    sa.select(lessons_read.c.lesson_id).where(lessons_read.c.account_id == member.id)
                ).scalars()
            )
            attempts = tuple(
                attempt_record(row)
                for row in connection.execute(
                    sa.select(quiz_attempts)
                    .where(quiz_attempts.c.account_id == member.id)
                    .order_by(quiz_attempts.c.at, quiz_attempts.c.id)
                )
            )
            in_group = sa.and_(submissions.c.member_id == member.id, assignments.c.group_id == group.id)
            notes = _load_feedback(connection, in_group)
            rows = connection.execute(
                sa.select(
                    submissions, assignments.c.title, self_checks.c.outcome, self_checks.c.verdict, self_checks.c.report
                )
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(self_checks, self_checks.c.id == submissions.c.self_check_id)
                .where(in_group)
                .order_by(submissions.c.at.desc(), submissions.c.id.desc())
            )
            handed_in = tuple(
                SubmittedSelfCheck(
                    _submission(row),
                    row.title,
                    json.loads(row.report),
                    tuple(note for note in notes if note.submission_id == row.id),
                )
                for row in rows
            )
        return MemberDetail(member, group, read, attempts, handed_in, tuple(notes))

    def leave_feedback(self, trainer: Account, submission_id: int, text: str) -> Feedback:
        """A note on a submission to one of the trainer's groups' homework. Raises NotAllowed for
        any other submission, InvalidInput for empty or overlong text."""
        text = validate.text(text, field="text", label="Your feedback", rule=rules.FEEDBACK_TEXT, multiline=True)
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, trainer, "trainer")
            row = connection.execute(
                sa.select(
                    submissions.c.id,
                    submissions.c.self_check_id,
                    assignments.c.id.label("assignment_id"),
                    assignments.c.title,
                )
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(groups, groups.c.id == assignments.c.group_id)
                .where(submissions.c.id == record_id(submission_id), groups.c.trainer_id == trainer.id)
            ).first()
            if row is None:
                raise NotAllowed()
            feedback_id = connection.execute(
                feedback.insert().returning(feedback.c.id),
                {
                    "submission_id": row.id,
                    "trainer_id": trainer.id,
                    "self_check_id": row.self_check_id,
                    "text": text,
                    "at": now,
                },
            ).scalar_one()
        return Feedback(
            feedback_id,
            row.id,
            row.assignment_id,
            row.title,
            trainer.id,
            trainer.display_name,
            row.self_check_id,
            text,
            now,
        )

    def reply_to_feedback(self, actor: Account, feedback_id: int, text: str) -> Reply:
        """Answer a piece of feedback: the member it was written for, or the trainer of the group
        it belongs to. Raises NotAllowed for anyone else (or feedback that doesn't exist),
        InvalidInput for empty or overlong text or a thread that has reached
        ``rules.FEEDBACK_THREAD_REPLIES``."""
        text = validate.text(text, field="text", label="Your reply", rule=rules.REPLY_TEXT, multiline=True)
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, actor)
            row = connection.execute(
                sa.select(feedback.c.id)
                .join(submissions, submissions.c.id == feedback.c.submission_id)
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(groups, groups.c.id == assignments.c.group_id)
                .where(
                    feedback.c.id == record_id(feedback_id),
                    groups.c.trainer_id == actor.id if actor.is_trainer else submissions.c.member_id == actor.id,
                )
            ).first()
            if row is None:
                raise NotAllowed()
            count = connection.execute(
                sa.select(sa.func.count()).where(feedback_replies.c.feedback_id == row.id)
            ).scalar_one()
            limit = int(rules.FEEDBACK_THREAD_REPLIES.value)
            if count >= limit:
                raise InvalidInput("text", THREAD_FULL.format(limit=limit))
            reply_id = connection.execute(
                feedback_replies.insert().returning(feedback_replies.c.id),
                {"feedback_id": row.id, "author_id": actor.id, "text": text, "at": now},
            ).scalar_one()
        return Reply(reply_id, row.id, actor.id, actor.display_name, text, now)

    def new_hand_ins(self, trainer: Account) -> list[NewHandIn]:
        """Hand-ins to the trainer's groups' homework they haven't marked seen, newest first."""
        with self._reading() as connection:
            self._actor(connection, trainer, "trainer")
            member = accounts.alias("member")
            rows = connection.execute(
                sa.select(
                    submissions.c.id,
                    submissions.c.assignment_id,
                    submissions.c.member_id,
                    submissions.c.at,
                    assignments.c.title,
                    assignments.c.group_id,
                    groups.c.title.label("group_title"),
                    member.c.display_name,
                )
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(groups, groups.c.id == assignments.c.group_id)
                .join(member, member.c.id == submissions.c.member_id)
                .where(groups.c.trainer_id == trainer.id, submissions.c.seen_at.is_(None))
                .order_by(submissions.c.at.desc(), submissions.c.id.desc())
            )
            return [
                NewHandIn(
                    row.id,
                    row.group_id,
                    row.group_title,
                    row.assignment_id,
                    row.title,
                    row.member_id,
                    row.display_name,
                    row.at,
                )
                for row in rows
            ]

    def mark_hand_ins_seen(self, trainer: Account, submission_ids: Iterable[int]) -> None:
        """The trainer has seen these hand-ins: they leave ``new_hand_ins``. Ids that are not
        hand-ins to the trainer's homework change nothing."""
        ids = [record_id(i) for i in submission_ids]
        with self._writing() as connection:
            self._actor(connection, trainer, "trainer")
            theirs = (
                sa.select(assignments.c.id)
                .join(groups, groups.c.id == assignments.c.group_id)
                .where(groups.c.trainer_id == trainer.id)
            )
            connection.execute(
                submissions.update()
                .where(
                    submissions.c.id.in_(ids), submissions.c.assignment_id.in_(theirs), submissions.c.seen_at.is_(None)
                )
                .values(seen_at=self._now())
            )

    def feedback_for(self, member: Account) -> list[Feedback]:
        """Trainers' feedback on the member's own submissions, newest first."""
        with self._reading() as connection:
            self._actor(connection, member)
            return _load_feedback(connection, submissions.c.member_id == member.id)


# --- helpers: rows to records, and the bulk loads behind the homework views --------------------


def _group_query(*extra: Any) -> sa.Select[Any]:
    trainer = accounts.alias("trainer")
    return sa.select(groups, trainer.c.display_name.label("trainer_name"), *extra).join(
        trainer, trainer.c.id == groups.c.trainer_id
    )


def _group_by_code(connection: sa.Connection, code: str) -> Any:
    row = connection.execute(_group_query().where(groups.c.join_code == code)).first()
    if row is None:
        raise InvalidInput("join_code", "No group has that join code. Check it with your trainer.")
    return row


def _open_group_by_code(connection: sa.Connection, code: str) -> Any:
    row = _group_by_code(connection, code)
    if row.closed_at is not None:
        raise InvalidInput("join_code", GROUP_CLOSED)
    return row


def _member_counts() -> sa.Subquery:
    return (
        sa.select(memberships.c.group_id, sa.func.count().label("members")).group_by(memberships.c.group_id).subquery()
    )


def _group(row: Any, member_count: int | None = None) -> Group:
    return Group(
        row.id, row.title, row.join_code, row.trainer_id, row.trainer_name, row.created_at, member_count, row.closed_at
    )


def _submission(row: Any) -> Submission:
    return Submission(row.id, row.assignment_id, row.member_id, row.self_check_id, row.at, row.outcome, row.verdict)


def load_members(connection: sa.Connection, group_id: int, member_id: int | None = None) -> list[Member]:
    query = (
        sa.select(accounts.c.id, accounts.c.username, accounts.c.display_name, memberships.c.joined_at)
        .join(memberships, memberships.c.member_id == accounts.c.id)
        .where(memberships.c.group_id == group_id)
    )
    if member_id is not None:
        query = query.where(accounts.c.id == member_id)
    members = [Member(row.id, row.username, row.display_name, row.joined_at) for row in connection.execute(query)]
    return sorted(members, key=lambda member: (member.display_name.casefold(), member.id))


def _load_assignments(connection: sa.Connection, group_ids: sa.Select[Any]) -> list[Assignment]:
    """The assignments of the groups ``group_ids`` selects, by due date, with their lessons."""
    rows = connection.execute(
        sa.select(assignments, groups.c.title.label("group_title"))
        .join(groups, groups.c.id == assignments.c.group_id)
        .where(assignments.c.group_id.in_(group_ids))
        .order_by(assignments.c.due, assignments.c.id)
    ).all()
    tasks: dict[tuple[int, str], list[str]] = defaultdict(list)
    if rows:
        for task in connection.execute(
            sa.select(assignment_lessons)
            .where(assignment_lessons.c.assignment_id.in_([row.id for row in rows]))
            .order_by(assignment_lessons.c.position)
        ):
            tasks[(task.assignment_id, task.task)].append(task.lesson_id)
    return [
        Assignment(
            row.id,
            row.group_id,
            row.group_title,
            row.title,
            row.due,
            tuple(tasks[(row.id, "read")]),
            tuple(tasks[(row.id, "quiz")]),
            row.pass_fraction,
            bool(row.self_check),
            row.note,
            row.created_at,
        )
        for row in rows
    ]


class _Work:
    """What a set of members has done, loaded in three queries: lessons read, quiz scores
    (each distinct score once, with how often it was reached) and submissions."""

    def __init__(self) -> None:
        self.read: dict[int, frozenset[str]] = defaultdict(frozenset)
        self.scores: dict[int, dict[str, list[tuple[int, int, int]]]] = defaultdict(lambda: defaultdict(list))
        self.submissions: dict[tuple[int, int], Submission] = {}

    def passed(self, member_id: int, lesson_id: str, fraction: float) -> bool:
        """Whether the best attempt reached ``fraction`` of the questions (rounded up, as
        ``course.progress.questions_to_pass`` does)."""
        return any(
            correct >= math.ceil(fraction * total - _EPS)
            for correct, total, _ in self.scores[member_id].get(lesson_id, ())
        )

    def best(self, member_id: int) -> dict[str, QuizBest]:
        found = {}
        for lesson_id, scores in self.scores[member_id].items():
            correct, total, _ = max(scores, key=lambda s: (s[0] / s[1], s[0]))
            found[lesson_id] = QuizBest(correct, total, sum(count for _, _, count in scores))
        return found


def _load_work(connection: sa.Connection, member_ids: sa.Select[Any], assignment_ids: list[int]) -> _Work:
    work = _Work()
    read: dict[int, set[str]] = defaultdict(set)
    for row in connection.execute(
        sa.select(lessons_read.c.account_id, lessons_read.c.lesson_id).where(lessons_read.c.account_id.in_(member_ids))
    ):
        read[row.account_id].add(row.lesson_id)
    work.read.update({member: frozenset(lessons) for member, lessons in read.items()})
    for row in connection.execute(
        sa.select(
            quiz_attempts.c.account_id,
            quiz_attempts.c.lesson_id,
            quiz_attempts.c.correct,
            quiz_attempts.c.total,
            sa.func.count().label("attempts"),
        )
        .where(quiz_attempts.c.account_id.in_(member_ids))
        .group_by(quiz_attempts.c.account_id, quiz_attempts.c.lesson_id, quiz_attempts.c.correct, quiz_attempts.c.total)
    ):
        work.scores[row.account_id][row.lesson_id].append((row.correct, row.total, row.attempts))
    if assignment_ids:
        for row in connection.execute(
            sa.select(submissions, self_checks.c.outcome, self_checks.c.verdict)
            .join(self_checks, self_checks.c.id == submissions.c.self_check_id)
            .where(submissions.c.assignment_id.in_(assignment_ids), submissions.c.member_id.in_(member_ids))
        ):
            work.submissions[(row.assignment_id, row.member_id)] = _submission(row)
    return work


def _is_done(assignment: Assignment, work: _Work, member_id: int) -> bool:
    return (
        set(assignment.lesson_ids) <= work.read[member_id]
        and all(work.passed(member_id, lesson, assignment.pass_fraction) for lesson in assignment.quiz_lesson_ids)
        and (not assignment.self_check or (assignment.id, member_id) in work.submissions)
    )


def _parts_done(assignment: Assignment, work: _Work, member_id: int) -> frozenset[Part]:
    return frozenset(
        part
        for part in assignment.parts
        if (part.task == "read" and part.lesson_id in work.read[member_id])
        or (part.task == "quiz" and work.passed(member_id, part.lesson_id, assignment.pass_fraction))
        or (part.task == "self_check" and (assignment.id, member_id) in work.submissions)
    )


def _homework_fields(
    title: str,
    due: date,
    lesson_ids: Sequence[str],
    quiz_lesson_ids: Sequence[str],
    pass_fraction: float,
    self_check: bool,
    note: str,
) -> dict[str, Any]:
    """A homework's fields, checked. Raises InvalidInput naming the field."""
    fields = {
        "title": validate.text(title, field="title", label="The homework's title", rule=rules.ASSIGNMENT_TITLE),
        "due": validate.due_date(due),
        "read": validate.lesson_ids(lesson_ids, field="lesson_ids"),
        "quizzes": validate.lesson_ids(quiz_lesson_ids, field="quiz_lesson_ids"),
        "pass_fraction": validate.fraction(pass_fraction),
    }
    if not isinstance(self_check, bool):
        raise InvalidInput("self_check", "Say whether the homework asks for a self-check (yes or no).")
    fields["self_check"] = self_check
    fields["note"] = validate.text(note, field="note", label="The note", rule=rules.ASSIGNMENT_NOTE, multiline=True)
    if not (fields["read"] or fields["quizzes"] or self_check):
        raise InvalidInput(
            "lesson_ids", "Homework needs at least one thing to do: a lesson to read, a quiz to pass or a self-check."
        )
    return fields


def _columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in ("title", "due", "pass_fraction", "self_check", "note")}


def _write_parts(connection: sa.Connection, assignment_id: int, fields: Mapping[str, Any]) -> None:
    tasks = [
        {"assignment_id": assignment_id, "task": task, "lesson_id": lesson, "position": position}
        for task, lessons in (("read", fields["read"]), ("quiz", fields["quizzes"]))
        for position, lesson in enumerate(lessons)
    ]
    if tasks:
        connection.execute(assignment_lessons.insert(), tasks)


def _drop_membership(connection: sa.Connection, group_id: int, member_id: int) -> None:
    """A member out of a group, whoever asked: their hand-ins to its homework, the feedback on
    them and its replies go with the membership."""
    homework = sa.select(assignments.c.id).where(assignments.c.group_id == group_id)
    handed_in = sa.select(submissions.c.id).where(
        submissions.c.member_id == member_id, submissions.c.assignment_id.in_(homework)
    )
    notes = sa.select(feedback.c.id).where(feedback.c.submission_id.in_(handed_in))
    connection.execute(feedback_replies.delete().where(feedback_replies.c.feedback_id.in_(notes)))
    connection.execute(feedback.delete().where(feedback.c.submission_id.in_(handed_in)))
    connection.execute(submissions.delete().where(submissions.c.id.in_(handed_in)))
    connection.execute(
        memberships.delete().where(memberships.c.group_id == group_id, memberships.c.member_id == member_id)
    )


def _load_feedback(connection: sa.Connection, where: sa.ColumnElement[bool]) -> list[Feedback]:
    trainer = accounts.alias("trainer")
    rows = connection.execute(
        sa.select(
            feedback, submissions.c.assignment_id, assignments.c.title, trainer.c.display_name.label("trainer_name")
        )
        .join(submissions, submissions.c.id == feedback.c.submission_id)
        .join(assignments, assignments.c.id == submissions.c.assignment_id)
        .join(trainer, trainer.c.id == feedback.c.trainer_id)
        .where(where)
        .order_by(feedback.c.at.desc(), feedback.c.id.desc())
    ).all()
    author = accounts.alias("author")
    thread: dict[int, list[Reply]] = defaultdict(list)
    if rows:
        for reply in connection.execute(
            sa.select(feedback_replies, author.c.display_name)
            .join(author, author.c.id == feedback_replies.c.author_id)
            .where(feedback_replies.c.feedback_id.in_([row.id for row in rows]))
            .order_by(feedback_replies.c.at, feedback_replies.c.id)
        ):
            thread[reply.feedback_id].append(
                Reply(reply.id, reply.feedback_id, reply.author_id, reply.display_name, reply.text, reply.at)
            )
    return [
        Feedback(
            row.id,
            row.submission_id,
            row.assignment_id,
            row.title,
            row.trainer_id,
            row.trainer_name,
            row.self_check_id,
            row.text,
            row.at,
            tuple(thread[row.id]),
        )
        for row in rows
    ]
