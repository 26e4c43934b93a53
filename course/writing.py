"""Checks that the course's writing teaches instead of giving its answers away.

:func:`course.content.load_course` refuses content that is broken (a missing field, a quiz
with no right answer). The checks here find content that works but reads badly, the way an
instructional designer would: a right answer that is the longest choice, a fault that is
the only choice described in fault words, feedback that says "Yes" under a red cross, a
choice that says "all of the above" when the choices are shuffled, a term used before the
lesson that defines it, a reading time that is not true. Each problem
names the file, the place and what to change. ``python -m course.content`` (``make
check-content``) runs them after loading, and the content tests keep the real course free
of them.

Words are counted as runs of letters and digits, so "3-1-1" is three words and "don't" one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from course.content import Course, Lesson, Question, display_path
from course.thresholds import Limit

READING_SPEED = Limit(
    180.0,
    "words per minute",
    "How fast a learner reads a lesson on a phone, figures, quiz and feedback included. Adults "
    "read plain non-fiction silently at about 240 words a minute; instructions read while trying "
    "them out, on a small screen, go slower, so the estimate errs on the long side.",
    "Brysbaert M. (2019) How many words do we read per minute? J Mem Lang 109:104047",
)
READING_TIME_SLACK = Limit(
    1.0,
    "min",
    "How far a lesson's declared minutes may stray from the estimate: readers differ by more "
    "than that, but a lesson that claims 5 minutes and takes 8 breaks the learner's trust.",
)
LONGEST_LESSON = Limit(
    8.0,
    "min",
    "The longest a lesson may take, quiz included: a sitting on a bus or in a waiting room. "
    "Longer lessons are split, so a learner on a phone can finish one in a sitting.",
)
RIGHT_ANSWER_LENGTH = Limit(
    1.25,
    "ratio",
    "How much longer than the wrong choices, on average, a right choice may be. Test-wise "
    "learners pick the longest choice, so item writers keep choices about equal in length.",
    "Haladyna T.M., Downing S.M., Rodriguez M.C. (2002) Appl Meas Educ 15(3):309-333",
)
LENGTH_SLACK = Limit(
    2.0,
    "words",
    "A right choice within this many words of the wrong ones' average never stands out, "
    "whatever the ratio: short choices differ by a word or two without anyone noticing.",
)
RIGHT_IS_LONGEST = Limit(
    0.4,
    "share",
    "Of the one-answer questions in the whole course, the share whose right choice may be the "
    "longest one. By chance it would be about one in four (four choices a question).",
)
SAME_ANSWER_COUNT = Limit(
    0.6,
    "share",
    "Of the multiple-answer questions in the whole course, the share that may have the same "
    'number of right choices; beyond it the count itself is a clue ("it\'s always three").',
)
REPEAT_OVERLAP = Limit(
    0.5,
    "share of words",
    "Two questions whose prompts share at least this share of their words (of all the words in "
    "either), and whose right answers do too, ask the same thing: a retrieval slot spent twice.",
)
MIN_SAME_COUNT_QUESTIONS = Limit(
    3.0,
    "questions",
    "Below this many multiple-answer questions a shared count is no pattern yet.",
)

# Words that describe something going wrong with a hinge. In a spot-the-fault question the
# good-form choices must use some of them too (a gaze that drifts down is right, a tailbone
# that drifts off the dowel is not), or the fault is the only choice that sounds bad.
FAULT_WORDS = re.compile(
    r"\b(drift|tuck|drop|arch|round|lift(s|ed)? off|lock|cave|caving|crank|jut|flar|sink|sank|snap|"
    r"bounc|rush|lean(s|ing)? back|toppl|collaps|curl|lag|shoot|hyperext|wobbl|claw|dive|dives|"
    r"strain|pinch|jerk|slump|hunch|sag|twist|shift)",
    re.IGNORECASE,
)
# Feedback openings that say "your answer is right", and ones that say "it is wrong". A learner
# reads the feedback under a green tick or a red cross, so its first words must agree with it.
SAYS_RIGHT = re.compile(
    r"^\W*(yes|right|correct|exactly|spot on|well done|good|fine|nothing wrong|that('s| is) "
    r"(right|correct|exactly|a good|the right|fine|good)|this is (right|correct|a good|the right))\b",
    re.IGNORECASE,
)
SAYS_WRONG = re.compile(r"^\W*(no|not|wrong|incorrect|that('s| is) (wrong|not)|this is not)\b", re.IGNORECASE)
# A choice that points at other choices by their place ("all of the above", "both A and B" in a
# question with no figure): each learner sees the choices in an order of their own
# (course.progress.choice_order), so such a choice would point at the wrong ones.
POINTS_BY_PLACE = re.compile(
    r"\b((all|none|both|either|neither|any|each|one) of (the )?(above|below|these|those|others)|"
    r"the (above|below|previous|next|first|second|third|last) (one|choice|answer|option)s?|"
    r"(above|below) (choice|answer|option)s?)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
ONE_ANSWER_KINDS = ("single", "spot_the_fault")


@dataclass(frozen=True, slots=True)
class WritingProblem:
    """One thing to rewrite: where it is and what is wrong with it."""

    path: Path
    where: str  # "quiz 'tempo'", "minutes", "key term 'Set'"
    problem: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}, {self.where}: {self.problem}"


def writing_problems(course: Course) -> tuple[WritingProblem, ...]:
    """Every writing problem of the course, lesson by lesson, then those of the course as a whole."""
    problems: list[WritingProblem] = []
    for lesson in course.lessons:
        problems += _reading_time(lesson)
        for question in lesson.quiz:
            problems += _length_giveaway(lesson, question)
            problems += _fault_wording_giveaway(lesson, question)
            problems += _contradicting_feedback(lesson, question)
            problems += _choice_pointing_by_place(lesson, question)
    problems += _terms_used_before_defined(course)
    problems += _right_is_often_longest(course)
    problems += _same_answer_count(course)
    problems += _repeated_questions(course)
    return tuple(problems)


def words(text: str) -> int:
    return len(WORD.findall(text))


def reading_minutes(lesson: Lesson) -> float:
    """Minutes to read the lesson on a phone: its objectives, text, figure captions and quiz.

    A quiz is read as a learner meets it: the prompt, every choice, the feedback of about one
    choice (the average) and the explanation."""
    quiz = sum(
        words(q.prompt)
        + sum(words(c.text) for c in q.choices)
        + sum(words(c.feedback) for c in q.choices) / len(q.choices)
        + words(q.explanation)
        for q in lesson.quiz
    )
    text = words(lesson.body) + sum(words(item) for item in lesson.objectives)
    text += sum(words(figure.caption) for figure in lesson.figures)
    return (text + quiz) / READING_SPEED.value


def _reading_time(lesson: Lesson) -> Iterator[WritingProblem]:
    estimate = reading_minutes(lesson)
    if abs(lesson.minutes - estimate) > READING_TIME_SLACK.value:
        yield WritingProblem(
            lesson.path,
            "minutes",
            f"says {lesson.minutes} but the lesson takes about {estimate:.1f} minutes to read at "
            f"{READING_SPEED.value:g} words a minute; write {max(1, round(estimate))}",
        )
    if estimate > LONGEST_LESSON.value:
        yield WritingProblem(
            lesson.path,
            "body",
            f"takes about {estimate:.1f} minutes, more than {LONGEST_LESSON.value:g} for one sitting "
            "on a phone; trim it or split it in two",
        )


def _where(question: Question) -> str:
    return f"quiz '{question.id}'"


def _length_giveaway(lesson: Lesson, question: Question) -> Iterator[WritingProblem]:
    right = [words(c.text) for c in question.choices if c.correct]
    wrong = [words(c.text) for c in question.choices if not c.correct]
    if not wrong:
        return
    right_mean, wrong_mean = sum(right) / len(right), sum(wrong) / len(wrong)
    if right_mean > RIGHT_ANSWER_LENGTH.value * wrong_mean and right_mean - wrong_mean > LENGTH_SLACK.value:
        answers = "right answers average" if len(right) > 1 else "right answer has"
        yield WritingProblem(
            lesson.path,
            _where(question),
            f"the {answers} {right_mean:.0f} words against {wrong_mean:.0f} for the wrong ones, "
            "a giveaway; shorten it or make the wrong ones as full",
        )


def _fault_wording_giveaway(lesson: Lesson, question: Question) -> Iterator[WritingProblem]:
    if question.kind != "spot_the_fault":
        return
    fault = next(c for c in question.choices if c.correct)
    fault_word = FAULT_WORDS.search(fault.text)
    if fault_word and not any(FAULT_WORDS.search(c.text) for c in question.choices if not c.correct):
        word = fault_word[0]
        yield WritingProblem(
            lesson.path,
            _where(question),
            f"only the fault is worded as a fault ('{word}'); describe some good-form choices in "
            "movement words too, or use misconceptions that sound like faults",
        )


def _contradicting_feedback(lesson: Lesson, question: Question) -> Iterator[WritingProblem]:
    for index, choice in enumerate(question.choices):
        opening = (SAYS_WRONG if choice.correct else SAYS_RIGHT).match(choice.feedback)
        if opening:
            verdict, mark = ("right", "a green tick") if choice.correct else ("wrong", "a red cross")
            yield WritingProblem(
                lesson.path,
                f"{_where(question)}, choice {index + 1}",
                f"the choice is {verdict} but its feedback opens with '{opening[0].strip()}', read under "
                f"{mark}; open with words that agree",
            )


def _choice_pointing_by_place(lesson: Lesson, question: Question) -> Iterator[WritingProblem]:
    if question.figure is not None:  # its choices keep their written order
        return
    for index, choice in enumerate(question.choices):
        pointer = POINTS_BY_PLACE.search(choice.text)
        if pointer:
            yield WritingProblem(
                lesson.path,
                f"{_where(question)}, choice {index + 1}",
                f"'{pointer[0]}' points at other choices by their place, but every learner sees the "
                "choices in an order of their own; name what it means instead",
            )


def _right_is_often_longest(course: Course) -> Iterator[WritingProblem]:
    questions = [(lesson, q) for lesson in course.lessons for q in lesson.quiz if q.kind in ONE_ANSWER_KINDS]
    longest = [(lesson, q) for lesson, q in questions if _right_is_longest(q)]
    if questions and len(longest) > RIGHT_IS_LONGEST.value * len(questions):
        named = ", ".join(f"'{q.id}'" for _, q in longest)
        yield WritingProblem(
            course.lessons[0].path.parent,
            "quizzes",
            f"in {len(longest)} of {len(questions)} one-answer questions the right choice is the longest "
            f"(at most {RIGHT_IS_LONGEST.value:.0%} may be): {named}",
        )


def _right_is_longest(question: Question) -> bool:
    lengths = [(words(c.text), c.correct) for c in question.choices]
    top = max(length for length, _ in lengths)
    return [correct for length, correct in lengths if length == top] == [True]


def _same_answer_count(course: Course) -> Iterator[WritingProblem]:
    counts = Counter(len(q.correct_choices) for lesson in course.lessons for q in lesson.quiz if q.kind == "multiple")
    total = sum(counts.values())
    if total < MIN_SAME_COUNT_QUESTIONS.value:
        return
    count, share = counts.most_common(1)[0]
    if share > SAME_ANSWER_COUNT.value * total:
        yield WritingProblem(
            course.lessons[0].path.parent,
            "quizzes",
            f"{share} of {total} multiple-answer questions have exactly {count} right choices; vary the "
            f"count so it is no clue (at most {math.floor(SAME_ANSWER_COUNT.value * total)} may share one)",
        )


def _repeated_questions(course: Course) -> Iterator[WritingProblem]:
    """A question a later lesson asks again: much the same prompt and much the same right answer."""
    asked: list[tuple[Lesson, Question]] = []
    for lesson in course.lessons:
        for question in lesson.quiz:
            earlier = next(
                ((other, first) for other, first in asked if other is not lesson and _same_question(first, question)),
                None,
            )
            if earlier is not None:
                other, first = earlier
                yield WritingProblem(
                    lesson.path,
                    _where(question),
                    f"asks again what {display_path(other.path)} asks in '{first.id}'; ask something "
                    "the lesson has not yet tested",
                )
        asked += [(lesson, question) for question in lesson.quiz]


def _same_question(first: Question, second: Question) -> bool:
    def right(question: Question) -> str:
        return " ".join(choice.text for choice in question.choices if choice.correct)

    return (
        _overlap(first.prompt, second.prompt) >= REPEAT_OVERLAP.value
        and _overlap(right(first), right(second)) >= REPEAT_OVERLAP.value
    )


def _overlap(one: str, other: str) -> float:
    """The share of words two texts have in common, of all the words in either (0 to 1)."""
    a, b = (set(WORD.findall(text.casefold())) for text in (one, other))
    return len(a & b) / len(a | b) if a | b else 0.0


def _terms_used_before_defined(course: Course) -> Iterator[WritingProblem]:
    """A key term a lesson uses before the lesson that defines it (the glossary's owner)."""
    texts = [(lesson, _everything_read(lesson).casefold()) for lesson in course.lessons]
    for term in course.glossary:
        owner = course.lesson(term.lesson_id)
        pattern = re.compile(rf"(?<![\w-]){re.escape(term.term.casefold())}(s|es)?(?![\w-])")
        first = next((lesson for lesson, text in texts if pattern.search(text)), None)
        if first is not None and first.order < owner.order:
            yield WritingProblem(
                first.path,
                f"key term '{term.term}'",
                f"is used here, in lesson {first.order}, but defined only in lesson {owner.order} "
                f"({display_path(owner.path)}); define it here, or say it another way",
            )


def _everything_read(lesson: Lesson) -> str:
    quiz = " ".join(
        " ".join([q.prompt, q.explanation, *(f"{c.text} {c.feedback}" for c in q.choices)]) for q in lesson.quiz
    )
    captions = " ".join(figure.caption for figure in lesson.figures)
    return " ".join([lesson.title, lesson.summary, *lesson.objectives, lesson.body, captions, quiz])
