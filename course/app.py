"""The course's entry point for ``streamlit run``: the page list, nothing else."""

import streamlit as st

from course.views.navigation import course_pages

st.navigation(course_pages()).run()
