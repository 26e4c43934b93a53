"""Glossary: every key term of every lesson, in plain words, with the lesson that teaches it."""

from __future__ import annotations

import streamlit as st

from course.views.places import lesson_place, link
from course.views.state import course_content


def render_glossary() -> None:
    course = course_content()
    st.title("Glossary")
    st.write("The words coaches use, in plain language. Each one links to the lesson that teaches it.")
    query = st.text_input("Find a word", placeholder="for example: hamstrings", key="glossary_query")
    terms = [
        term for term in course.glossary if query.strip().casefold() in (term.term + " " + term.definition).casefold()
    ]
    if not terms:
        st.info("No term matches your search. Try a shorter word.")
    for term in terms:
        lesson = course.lesson(term.lesson_id)
        st.markdown(f"**{term.term}**  \n{term.definition}")
        st.page_link(
            link(lesson_place(lesson)), label=f"Lesson {lesson.order}: {lesson.title}", icon=":material/school:"
        )
