"""What every page shares: the course content and its figures, loaded once per server.

The learner's progress and account: course.views.session."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from course.content import Course, content_dir, load_course
from course.figures import FIGURES, build_figure, describe_figure
from course.figures.still import still_svg

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


@st.cache_resource(show_spinner=False, max_entries=64)
def _words(directory: str, name: str, choice: str | None) -> str:
    return describe_figure(_load_course(directory), name, choice)


def course_figure_words(name: str, choice: str | None = None) -> str:
    """What a named figure shows, in words: its text alternative (cached like the figure)."""
    return _words(str(content_dir()), name, choice)


@st.cache_resource(show_spinner=False, max_entries=64)
def _still(directory: str, name: str, choice: str | None) -> str | None:
    # drawn from the figure's opening view alone: a body figure's 73 frames take seconds to build
    figure = build_figure(_load_course(directory), name, choice, animated=False)
    if not any(trace.type.endswith("3d") for trace in figure.data):
        return None
    return still_svg(figure, _words(directory, name, choice))


def course_still(name: str, choice: str | None = None) -> str | None:
    """A still SVG of a named 3D figure's opening view, or None for a 2D chart (drawn as it is)."""
    return _still(str(content_dir()), name, choice)


class SentFigure(go.Figure):
    """A figure kept across reruns (cached, or in the session) that hands Streamlit the same dict on every rerun.

    ``st.plotly_chart`` calls ``to_dict()`` on every run, which deep-copies the figure: about
    0.2 s for a body figure's 73 frames. The dict is made once here and must not be changed.
    """

    def __init__(self, figure: go.Figure) -> None:
        super().__init__(figure)
        self._sent = figure.to_dict()

    def to_dict(self) -> dict:
        sent = getattr(self, "_sent", None)
        return sent if sent is not None else super().to_dict()


@st.cache_resource(show_spinner="Drawing the figure...", max_entries=64)
def _figure_to_send(directory: str, name: str, choice: str | None) -> go.Figure:
    return SentFigure(_figure(directory, name, choice))


def figure_to_send(name: str, choice: str | None = None) -> go.Figure:
    """The named figure for ``st.plotly_chart``, converted for sending once per server."""
    return _figure_to_send(str(content_dir()), name, choice)
