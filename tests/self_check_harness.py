"""The self-check page on its own under AppTest (no menu, nobody signed in), and the text it shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = "from course.views.self_check import render_self_check\nrender_self_check()"
TIMEOUT_S = 120  # seconds: a real clip's analysis on a busy two-core machine


def app() -> AppTest:
    """The self-check page, run once."""
    return AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S).run()


def shown(at: AppTest) -> str:
    """The page's text: its Markdown, boxes, captions and headings, one element a line."""
    parts = [
        e.value
        for kind in ("markdown", "warning", "info", "success", "error", "caption", "header", "subheader", "title")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(part) for part in parts)


def open_the_replay(at):
    """Tap the report's "Open the 3D model" under "Your movement in 3D" (it shows a still first); the page after."""
    from course.views.figure_view import OPEN_LABEL

    (button,) = [b for b in at.button if b.label == OPEN_LABEL and (b.key or "").startswith("replay:")]
    return button.click().run()
