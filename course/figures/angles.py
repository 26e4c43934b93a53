"""Side-view joint angles over time: a 2D chart for a reference motion or a learner's own clip.

Angles in degrees, time in seconds. Hip flexion is 0° standing tall and grows as the trunk
folds towards the thighs; knee flexion is 0° with the leg straight; trunk inclination is the
lean of the hip-to-shoulder line from vertical. Repetitions are shaded; threshold lines (the
self-check's limits) are drawn dashed with their label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from course.motions import Motion

ANGLE_COLOURS = {"hip": "#0f766e", "knee": "#7c3aed", "trunk": "#ea580c"}
ANGLE_NAMES = {"hip": "hip flexion", "knee": "knee flexion", "trunk": "trunk lean"}


@dataclass(frozen=True)
class Span:
    """A stretch of time to shade, such as one repetition."""

    start_s: float
    end_s: float
    label: str = ""


@dataclass(frozen=True)
class ThresholdLine:
    """A horizontal line at a limit a rule uses, on one angle's scale."""

    angle: str  # "hip", "knee" or "trunk"
    value_deg: float
    label: str


def angle_chart(
    t_s: Sequence[float] | np.ndarray,
    angles_deg: Mapping[str, Sequence[float] | np.ndarray],
    *,
    spans: Sequence[Span] = (),
    thresholds: Sequence[ThresholdLine] = (),
    title: str | None = None,
    height_px: int = 320,
) -> go.Figure:
    """Hip, knee and trunk angle curves over time with shaded reps and dashed limits.

    ``angles_deg`` maps "hip", "knee" and/or "trunk" to one value per time; NaN leaves a gap
    (a frame where the joint was not seen). Raises ``ValueError`` for an unknown angle name
    or a series whose length differs from ``t_s``.
    """
    fig = go.Figure()
    _add_angle_traces(fig, t_s, angles_deg, spans, thresholds)
    _style(fig, height_px, title)
    return fig


def motions_angle_chart(motions: Sequence[Motion], *, height_px_each: int = 230) -> go.Figure:
    """One angle chart per motion, stacked (phone-friendly), sharing the angle axis for comparison."""
    if not motions:
        raise ValueError("motions_angle_chart needs at least one motion")
    fig = make_subplots(
        rows=len(motions),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[motion.title for motion in motions],
    )
    values = []
    for row, motion in enumerate(motions, start=1):
        spans = [Span(rep.start_s, rep.end_s, f"rep {i}") for i, rep in enumerate(motion.reps, start=1)]
        angles = reference_angles(motion)
        values += [series for series in angles.values()]
        _add_angle_traces(fig, motion.t_s, angles, spans, (), row=row, legend=row == 1)
    _style(fig, height_px_each * len(motions) + 70, None)
    everything = np.concatenate(values)
    fig.update_yaxes(range=[min(-10.0, float(np.nanmin(everything)) - 5), float(np.nanmax(everything)) + 10])
    fig.update_xaxes(title_text=None, ticksuffix=" s")
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.06 * 2 / len(motions), "x": 0})
    return fig


def reference_angles(motion: Motion) -> dict[str, np.ndarray]:
    """The three side-view angles of a reference motion, as the self-check will measure them."""
    return {
        "hip": motion.angle_deg("hip"),
        "knee": motion.angle_deg("knee"),
        "trunk": np.array([frame.trunk_inclination_deg for frame in motion.frames]),
    }


def _add_angle_traces(
    fig: go.Figure,
    t_s: Sequence[float] | np.ndarray,
    angles_deg: Mapping[str, Sequence[float] | np.ndarray],
    spans: Sequence[Span],
    thresholds: Sequence[ThresholdLine],
    row: int | None = None,
    legend: bool = True,
) -> None:
    t = np.asarray(t_s, dtype=float)
    where = {"row": row, "col": 1} if row is not None else {}
    for name, values in angles_deg.items():
        if name not in ANGLE_NAMES:
            raise ValueError(f"unknown angle {name!r}; expected one of {', '.join(ANGLE_NAMES)}")
        y = np.asarray(values, dtype=float)
        if y.shape != t.shape:
            raise ValueError(f"{name} has {y.size} values for {t.size} times")
        fig.add_trace(
            go.Scatter(
                x=np.round(t, 3),
                y=np.round(y, 1),
                mode="lines",
                name=ANGLE_NAMES[name],
                line={"color": ANGLE_COLOURS[name], "width": 3},
                legendgroup=name,
                showlegend=legend,
                hovertemplate="%{y:.0f}° at %{x:.1f} s<extra>" + ANGLE_NAMES[name] + "</extra>",
            ),
            **where,
        )
    for span in spans:
        fig.add_vrect(
            x0=span.start_s,
            x1=span.end_s,
            fillcolor="#94a3b8",
            opacity=0.15,
            line_width=0,
            annotation_text=span.label,
            annotation_position="top left",
            annotation_font_size=11,
            **where,
        )
    for number, line in enumerate(thresholds):
        if line.angle not in ANGLE_NAMES:
            raise ValueError(f"unknown angle {line.angle!r} for threshold {line.label!r}")
        fig.add_hline(
            y=line.value_deg,
            line_dash="dash",
            line_color=ANGLE_COLOURS[line.angle],
            line_width=1.5,
            annotation_text=line.label,
            annotation_font_size=11,
            **where,
            # neighbouring limits (5 and -10 degrees) would print their labels on top of each other
            annotation_position="bottom right" if number % 2 == 0 else "top left",
        )


def _style(fig: go.Figure, height_px: int, title: str | None) -> None:
    fig.update_layout(
        height=height_px,
        margin={"l": 8, "r": 8, "t": 40 if title else 28, "b": 8},
        title={"text": title, "font": {"size": 15}} if title else None,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": 12}},
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_xaxes(title_text="seconds", showgrid=True, gridcolor="#eef2f7", zeroline=False)
    fig.update_yaxes(title_text="degrees", showgrid=True, gridcolor="#eef2f7", zeroline=True, zerolinecolor="#cbd5e1")
