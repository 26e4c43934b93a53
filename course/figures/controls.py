"""The animation controls every animated course figure shares: a Play and Pause pair and a frame slider.

Plotly draws them (``layout.updatemenus`` and ``layout.sliders``); the pages make them work from
the keyboard (course/views/plot_keys.js finds them by Plotly's own classes and names them by
their labels, so the labels here are words: "Play", "Pause"). Figures differ only in where the
controls sit and how the slider's value reads ("time 2.4 s", "Flexion 60° of 120°").
Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

PLAY_LABEL = "▶ Play"
PAUSE_LABEL = "❚❚ Pause"
_TEXT = "#1F2937"
_STILL = {"duration": 0}  # no tweening between frames: each frame is a pose of the model


def play_pause(frame_ms: float, *, from_start: bool, place: dict) -> dict:
    """Play (one frame every ``frame_ms`` milliseconds, from the first frame when ``from_start``,
    else from the frame on screen) and Pause, side by side at ``place`` (updatemenu keys: x, y,
    xanchor, yanchor, pad)."""
    play = {
        "label": PLAY_LABEL,
        "method": "animate",
        "args": [
            None,
            {
                "frame": {"duration": frame_ms, "redraw": True},
                "fromcurrent": not from_start,
                "transition": _STILL,
                "mode": "immediate",
            },
        ],
    }
    pause = {
        "label": PAUSE_LABEL,
        "method": "animate",
        "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": _STILL}],
    }
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "buttons": [play, pause],
        "font": {"size": 14, "color": _TEXT},
        "bgcolor": "#F3F4F6",
        "bordercolor": "#9CA3AF",
        **place,
    }


def frame_slider(
    frames: Sequence[tuple[str, str]], active: int, *, prefix: str, suffix: str, place: dict, font_size: int = 13
) -> dict:
    """A slider over ``frames`` ((frame name, step label) in order) opening on ``active``; its value
    reads ``prefix`` + label + ``suffix``; ``place`` gives its slider keys x, len, y, yanchor, pad."""
    steps = [
        {
            "label": label,
            "method": "animate",
            "args": [[name], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": _STILL}],
        }
        for name, label in frames
    ]
    return {
        "active": active,
        "steps": steps,
        "transition": _STILL,
        "currentvalue": {"prefix": prefix, "suffix": suffix, "xanchor": "left", "font": {"size": font_size}},
        "font": {"size": 10, "color": "#6B7280"},
        "bgcolor": "#E5E7EB",
        "bordercolor": "#9CA3AF",
        **place,
    }
