"""A lesson's quiz: answer one question at a time, see why each answer is right or wrong.

Answers live in the session under the lesson's id; a finished round is scored once and
recorded in the learner's progress. "Try again" starts a fresh round with empty widgets.
Each learner sees each question's choices in their own order (course.progress.choice_order);
widgets and answers name choices by their index in the lesson, never by their place on screen.

"Check answer" never reruns the lesson page (its text and 3D figures): each question's answer
part (its widgets, "Check answer" and the feedback) is a fragment of its own, and so is the
score box below the questions. Checking a question reruns only that question; checking the last
one records the round (in the button's callback, so exactly once) and reruns that question and
the score box; "Try the quiz again" reruns every question and the score box. The fragments are
keyed (st.rerun(key) from a callback reruns just them) and read the round from the session each
time they run, never from what they were given at the last full run. A question's prompt and
figure stay outside its fragment, so they are drawn once, with the page. What lies outside the
quiz is drawn as it was until the page next runs: "I've read this lesson" stays a button after a
finished round has marked the lesson read (pressing it does no harm).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import streamlit as st

from course.content import Lesson, Question
from course.progress import Progress, choice_order, questions_to_pass, score_quiz
from course.views.figure_view import draw_course_figure

KIND_HINTS = {
    "single": "Pick one answer.",
    "multiple": "Tick every answer that is right.",
    "spot_the_fault": "Pick the one that shows the fault.",
}


@dataclass
class QuizRound:
    """The answers a learner has checked in the current round of one lesson's quiz."""

    number: int = 1
    checked: dict[str, frozenset[int]] = field(default_factory=dict)
    recorded: bool = False


def render_quiz(lesson: Lesson, progress: Progress, learner: str) -> None:
    """The quiz of one lesson; `learner` says who is answering (see choice_order)."""
    state_key = round_key(lesson)
    if state_key not in st.session_state:
        st.session_state[state_key] = QuizRound()

    st.header("Check your understanding")
    st.caption(f"{len(lesson.quiz)} questions. Each answer shows why it is right or wrong.")
    for number, question in enumerate(lesson.quiz, start=1):
        with st.container(border=True, key=question_key(lesson, question)):
            _question(lesson, question, number, progress, choice_order(learner, lesson.id, question))
    st.fragment(key=score_key(lesson))(_score)(lesson)


def round_key(lesson: Lesson) -> str:
    """Where the session keeps the current QuizRound of this lesson's quiz."""
    return f"quiz:{lesson.id}"


def question_key(lesson: Lesson, question: Question) -> str:
    """The key of a question's container (the page's CSS class st-key-<key>), the same in every round."""
    return f"quiz-{lesson.id}-{question.id}"


def answer_key(lesson: Lesson, question: Question) -> str:
    """The key of a question's answer fragment, the same in every round."""
    return f"quiz-answer-{lesson.id}-{question.id}"


def score_key(lesson: Lesson) -> str:
    """The key of the fragment that shows the round's score."""
    return f"quiz-score-{lesson.id}"


def _current_round(lesson: Lesson) -> QuizRound:
    round_now: QuizRound = st.session_state[round_key(lesson)]
    return round_now


def _question(lesson: Lesson, question: Question, number: int, progress: Progress, order: tuple[int, ...]) -> None:
    key = _widget_key(lesson, question)
    st.markdown(f"**{number}. {question.prompt}**")
    if question.figure is not None:
        draw_course_figure(question.figure, f"{key}:figure")
    st.fragment(key=answer_key(lesson, question))(_answer)(lesson, question, progress, order)


def _widget_key(lesson: Lesson, question: Question) -> str:
    """The key of a question's widgets in the current round (a new round, new and empty widgets)."""
    return f"{lesson.id}:{_current_round(lesson).number}:{question.id}"


def _answer(lesson: Lesson, question: Question, progress: Progress, order: tuple[int, ...]) -> None:
    """A question's choices, its "Check answer" and, once checked, its feedback: a fragment."""
    key = _widget_key(lesson, question)
    checked = _current_round(lesson).checked.get(question.id)
    st.caption(KIND_HINTS[question.kind])
    if question.allows_several:
        for index in order:
            st.checkbox(question.choices[index].text, key=f"{key}:{index}", disabled=checked is not None)
    else:
        st.radio(
            question.prompt,
            order,
            format_func=lambda index: question.choices[index].text,
            index=None,
            key=key,
            label_visibility="collapsed",
            disabled=checked is not None,
        )
    if checked is None:
        st.button(
            "Check answer",
            key=f"{key}:check",
            type="primary",
            on_click=_check,
            args=(lesson, question, progress, order),
        )
        if st.session_state.pop(f"{key}:unpicked", False):
            st.warning("Pick an answer first.")
        return
    _feedback(question, checked, order)


def _picked(question: Question, key: str, order: Sequence[int]) -> frozenset[int]:
    """The choices ticked or picked in a question's widgets (read from the session, as a callback must)."""
    if question.allows_several:
        return frozenset(index for index in order if st.session_state.get(f"{key}:{index}"))
    choice = st.session_state.get(key)
    return frozenset() if choice is None else frozenset({choice})


def _check(lesson: Lesson, question: Question, progress: Progress, order: tuple[int, ...]) -> None:
    """The "Check answer" button: keep the answer; on the round's last question, record the round and show its score.

    Without a rerun named here, Streamlit reruns just this question's fragment."""
    key = _widget_key(lesson, question)
    picked = _picked(question, key, order)
    if not picked:
        st.session_state[f"{key}:unpicked"] = True
        return
    quiz_round = _current_round(lesson)
    quiz_round.checked[question.id] = picked
    if len(quiz_round.checked) == len(lesson.quiz) and not quiz_round.recorded:
        progress.record_quiz_attempt(score_quiz(lesson, quiz_round.checked))
        progress.mark_read(lesson.id)
        quiz_round.recorded = True
        st.rerun([answer_key(lesson, question), score_key(lesson)])


def _score(lesson: Lesson) -> None:
    """The round's score and "Try the quiz again", once every question is checked: a fragment."""
    quiz_round = _current_round(lesson)
    if len(quiz_round.checked) != len(lesson.quiz):
        return
    attempt = score_quiz(lesson, quiz_round.checked)
    if attempt.passed:
        st.success(f"You got {attempt.score_text} right: quiz passed.", icon=":material/celebration:")
    else:
        st.warning(
            f"You got {attempt.score_text} right. Read the explanations above, then try again: "
            f"{questions_to_pass(attempt.total)} of {attempt.total} passes."
        )
    st.button(
        "Try the quiz again",
        icon=":material/refresh:",
        key=f"retry:{lesson.id}:{quiz_round.number}",
        on_click=_start_again,
        args=(lesson,),
    )


def _start_again(lesson: Lesson) -> None:
    """A fresh round: every question's fragment reruns with new, empty widgets, and the score box empties."""
    st.session_state[round_key(lesson)] = QuizRound(number=_current_round(lesson).number + 1)
    st.rerun([*(answer_key(lesson, question) for question in lesson.quiz), score_key(lesson)])


def _feedback(question: Question, picked: frozenset[int], order: tuple[int, ...]) -> None:
    if question.is_correct(picked):
        st.success(f"**Right.** {question.explanation}", icon=":material/check_circle:")
    else:
        st.error(f"**Not quite.** {question.explanation}", icon=":material/cancel:")
    lines = []
    for index in order:  # in the order the learner saw them
        choice = question.choices[index]
        if index in picked or choice.correct:
            mark = ":green[:material/check_circle:]" if choice.correct else ":red[:material/cancel:]"
            who = "your answer" if index in picked else "the right answer"
            lines.append(f"- {mark} *{choice.text}* ({who}): {choice.feedback}")
    st.markdown("\n".join(lines))
