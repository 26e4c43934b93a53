"""How every page draws a course figure: a still picture at once, the 3D model when the learner asks.

A 3D figure costs a phone seconds of WebGL drawing and holds the page busy, so a page first
shows a still SVG of the figure's opening view (drawn from the same figure, as an image whose
alt text says in words what it shows) and a button that opens the interactive model in its place.
The figure lives in a fragment: opening it, or picking one of its variants (the hip joint's
motions), reruns that figure alone, not the page. 2D charts are light and drawn directly.

Once opened, a figure stays open for the rest of the visit. Its Play, Pause and slider are made
reachable from the keyboard by plot_keys.js, added once with the first figure drawn.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from course.figures import FIGURES
from course.views.state import PLOTLY_CONFIG, course_content, course_figure_words, course_still, figure_to_send

OPEN_LABEL = "Open the 3D model"
PLOT_KEYS_JS = (Path(__file__).with_name("plot_keys.js")).read_text(encoding="utf-8")


def draw_course_figure(name: str, key: str, choice_key: str | None = None) -> None:
    """Draw the named course figure (and the picker of its variants, if it has some).

    ``key`` makes the figure's widgets unique on the page; ``choice_key`` names the variant
    picker's widget (``key + ":choice"`` unless given).
    """
    _figure_fragment(name, key, choice_key or f"{key}:choice")


@st.fragment
def _figure_fragment(name: str, key: str, choice_key: str) -> None:
    spec = FIGURES[name]
    choices = spec.choices(course_content())
    choice = None
    if choices:
        choice = st.pills(
            spec.choice_prompt,
            list(choices),
            format_func=choices.__getitem__,
            default=next(iter(choices)),
            required=True,
            key=choice_key,
        )
    words = course_figure_words(name, choice)
    still = course_still(name, choice)
    opened = f"{key}:opened"
    if still is None or st.session_state.get(opened):
        st.plotly_chart(
            figure_to_send(name, choice), width="stretch", config=PLOTLY_CONFIG, key=f"{key}:plot", alt=words
        )
        st.html(f"<script>{PLOT_KEYS_JS}</script>", unsafe_allow_javascript=True)
    else:
        st.image(still, alt=words, width="stretch")
        st.button(
            OPEN_LABEL,
            icon=":material/3d_rotation:",
            key=f"{key}:open",
            on_click=_open,
            args=(opened,),
            help="Turn the model with a finger and play it",
        )


def _open(opened: str) -> None:
    st.session_state[opened] = True
