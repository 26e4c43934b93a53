"""The baseline page of benchmarks/pages.py: a lesson's text on a bare Streamlit page.

    streamlit run benchmarks/bare_page.py   then open /?page=why-it-matters (a lesson's id) or /?page=self-check

The same words as the course's page (title, objectives, sections, key terms, sources; for the
self-check its lead, filming checklist and note), laid out with the same Streamlit elements, but
no figures, no navigation, no session or store, and instead of the quiz one plain question
whose "Check answer" reruns this whole page: the least any Streamlit page of this text costs.
"""

from __future__ import annotations

import streamlit as st

from course.content import Course, Lesson, load_course

SELF_CHECK = "self-check"


@st.cache_resource(show_spinner=False)
def course() -> Course:
    return load_course()


def lesson_text(lesson: Lesson) -> None:
    st.caption(f"Lesson {lesson.order} · about {lesson.minutes} min")
    st.title(lesson.title)
    with st.container(border=True):
        st.markdown("**In this lesson you will learn to**\n\n" + "\n".join(f"- {item}" for item in lesson.objectives))
    for section in lesson.sections:
        st.markdown(section.markdown)
        for figure in lesson.figures_after(section.heading):
            st.caption(figure.caption)
    with st.expander(f"Key terms ({len(lesson.key_terms)})"):
        st.markdown("\n\n".join(f"**{term.term}**: {term.definition}" for term in lesson.key_terms))
    if lesson.sources:
        with st.expander("Sources"):
            st.markdown("\n".join(f"- {source}" for source in lesson.sources))


def self_check_text(loaded: Course) -> None:
    page = loaded.self_check
    st.title(page.title)
    st.markdown(page.lead)
    filming = loaded.lesson("film-your-hinge")
    with st.expander("How to film a clip we can judge"):
        st.markdown(next(section.markdown for section in filming.sections if section.heading == "Checklist"))
    st.caption(page.body.split("\n\n")[0].replace("**", ""))
    with st.expander("Privacy and limits"):
        st.markdown(page.body)


def plain_question() -> None:
    """One question answered by a whole-page rerun: the floor under the course's "Check answer"."""
    st.header("Check your understanding")
    choice = st.radio("Which joint does a hinge bend most?", ["The hips", "The knees"], index=None, key="bare")
    if st.button("Check answer", type="primary") and choice is not None:
        st.success(f"**Right.** You picked {choice}.")


st.set_page_config(page_title="Bare page", layout="centered")
loaded = course()
wanted = st.query_params.get("page", loaded.lessons[0].id)
if wanted == SELF_CHECK:
    self_check_text(loaded)
else:
    lesson_text(loaded.lesson(wanted))
    plain_question()
