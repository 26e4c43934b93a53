"""A lesson's quiz: answer one question at a time, see why each answer is right or wrong.

Answers live in the session under the lesson's id; a finished round is scored once and
recorded in the learner's progress. "Try again" starts a fresh round with empty widgets.
Each learner sees each question's choices in their own order (course.progress.choice_order);
widgets and answers name choices by their index in the lesson, never by their place on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from course.content import Lesson, Question
from course.progress import Progress, choice_order, questions_to_pass, score_quiz
from course.views.state import PLOTLY_CONFIG, course_figure

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
    state_key = f"quiz:{lesson.id}"
    if state_key not in st.session_state:
        st.session_state[state_key] = QuizRound()
    quiz_round: QuizRound = st.session_state[state_key]

    st.header("Check your understanding")
    st.caption(f"{len(lesson.quiz)} questions. Each answer shows why it is right or wrong.")
    for number, question in enumerate(lesson.quiz, start=1):
        with st.container(border=True):
            _question(lesson, question, number, quiz_round, choice_order(learner, lesson.id, question))

    if len(quiz_round.checked) == len(lesson.quiz):
        attempt = score_quiz(lesson, quiz_round.checked)
        if not quiz_round.recorded:
            progress.record_quiz_attempt(attempt)
            progress.mark_read(lesson.id)
            quiz_round.recorded = True
        if attempt.passed:
            st.success(f"You got {attempt.score_text} right: quiz passed.", icon=":material/celebration:")
        else:
            st.warning(
                f"You got {attempt.score_text} right. Read the explanations above, then try again: "
                f"{questions_to_pass(attempt.total)} of {attempt.total} passes."
            )
        if st.button("Try the quiz again", icon=":material/refresh:", key=f"retry:{lesson.id}:{quiz_round.number}"):
            st.session_state[state_key] = QuizRound(number=quiz_round.number + 1)
            st.rerun()


def _question(lesson: Lesson, question: Question, number: int, quiz_round: QuizRound, order: tuple[int, ...]) -> None:
    key = f"{lesson.id}:{quiz_round.number}:{question.id}"
    checked = quiz_round.checked.get(question.id)
    st.markdown(f"**{number}. {question.prompt}**")
    if question.figure is not None:
        st.plotly_chart(course_figure(question.figure), width="stretch", config=PLOTLY_CONFIG, key=f"{key}:figure")
    st.caption(KIND_HINTS[question.kind])
    if question.allows_several:
        picked = frozenset(
            index
            for index in order
            if st.checkbox(question.choices[index].text, key=f"{key}:{index}", disabled=checked is not None)
        )
    else:
        choice = st.radio(
            question.prompt,
            order,
            format_func=lambda index: question.choices[index].text,
            index=None,
            key=key,
            label_visibility="collapsed",
            disabled=checked is not None,
        )
        picked = frozenset() if choice is None else frozenset({choice})

    if checked is None:
        if st.button("Check answer", key=f"{key}:check", type="primary"):
            if not picked:
                st.warning("Pick an answer first.")
                return
            quiz_round.checked[question.id] = picked
            st.rerun()
        return
    _feedback(question, checked, order)


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
