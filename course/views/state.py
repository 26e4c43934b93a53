"""What every page shares: the course content and its figures, loaded once per server.

The learner's progress and account: course.views.session."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from course.content import Course, content_dir, load_course
from course.figures import FIGURES, build_figure

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # A learner turns a model with a finger and plays it. Of Plotly's tool buttons only
    # "reset the view" helps them; the rest crowd a phone screen and cover the figure.
    "modeBarButtonsToRemove": [
        "toImage",
        "zoom3d",
        "pan3d",
        "orbitRotation",
        "tableRotation",
        "resetCameraLastSave3d",
        "hoverClosest3d",
        "zoom2d",
        "pan2d",
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
}
"""How every page draws a Plotly figure (lessons, quizzes, the self-check)."""


@st.cache_resource(show_spinner=False)
def _load_course(directory: str) -> Course:
    # A ContentError is raised, not cached: fixing the file and reloading the page retries.
    return load_course(Path(directory), known_figures=FIGURES)


def course_content() -> Course:
    """The course, read and checked once per content folder for the whole server."""
    return _load_course(str(content_dir()))


@st.cache_resource(show_spinner="Drawing the figure...", max_entries=64)
def _figure(directory: str, name: str, choice: str | None) -> go.Figure:
    return build_figure(_load_course(directory), name, choice)


def course_figure(name: str, choice: str | None = None) -> go.Figure:
    """A named figure, built once per content folder, name and choice for the whole server.

    The cached object is shared between sessions: callers must not change it.
    """
    return _figure(str(content_dir()), name, choice)
