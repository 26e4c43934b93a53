"""3D figures of the hip joint: the femoral head turning in its cup, and the hip beside the shoulder.

Both figures are pure functions of the joint ranges in ``content/joint_ranges.yaml``
(``load_course().joint_ranges["hip"]`` and ``["shoulder"]``); they return a
``plotly.graph_objects.Figure`` and draw nothing themselves.

Which hip
    The RIGHT hip, as if standing beside or in front of the learner's own right leg.

Coordinate frame (metres, the same axes as ``course.body``)
    x forward, the way the person faces; y to the person's LEFT; z up.
    The origin is the centre of the right hip joint: the centre of the femoral head, which is
    also the centre of the acetabulum. For the right hip, +y therefore points towards the
    body's midline (medial) and -y out to the right side (lateral).
    The shoulder in :func:`shoulder_comparison_figure` is the RIGHT shoulder, drawn the same way
    with its joint centre at the origin of its own scene.

The three axes of rotation, all through the joint centre
    side-to-side axis   along y; flexion and extension turn about it (it is perpendicular to
                        the sagittal plane).
    front-to-back axis  along x; abduction and adduction turn about it.
    long axis of thigh  the line from the joint centre to the knee, vertical (along z) when
                        standing; internal and external rotation turn about it.

Angles (degrees, all 0 in the anatomical position: standing tall, thigh vertical, kneecap forward)
    Every motion is a rotation of the femur about one axis through the joint centre, by the
    right-hand rule about the unit vector in ``_MOTIONS``:
    flexion             about -y: the knee travels forward and up.
    extension           about +y: the knee travels back.
    abduction           about -x: the knee travels out to the right, away from the midline.
    adduction           about +x: the knee travels towards and across the midline.
    internal_rotation   about +z: the front of the knee turns in, towards the midline.
    external_rotation   about -z: the front of the knee turns out.
    The animation runs from 0 to the limit in ``JointRanges`` in about 10 to 20 steps.

Shapes and their sources (a teaching model, not a measured skeleton)
    Femoral head radius 24 mm (adult head diameter 45-50 mm). Neck-shaft angle 127 deg and
    femoral anteversion 12 deg (adult means 125-130 and 10-15 deg). Joint centre to knee 42 cm
    (de Leva 1996, thigh length 422 mm); the figure shows the top 13 cm of the femur.
    Acetabulum: the bony cup wraps 170 deg of arc around the ball and the labrum extends it to
    200 deg, past the ball's equator; its opening faces out, 45 deg down and 20 deg forward
    (acetabular inclination about 45 deg, anteversion 15-20 deg).
    Glenoid: a shallow dish wrapping 70 deg of arc (90 deg with its labrum); it meets about a
    third of the humeral head's joint surface ("a golf ball on a tee"). Humeral head radius 23 mm.
    Neck-shaft angle of the humerus 135 deg. The pelvis and shoulder blade are simplified hints.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import difflib
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from course.content import JointRanges
from course.figures.anatomy import (
    ACETABULUM_ARC_DEG,
    FEMORAL_HEAD_RADIUS_M,
    GLENOID_ARC_DEG,
    HUMERAL_HEAD_RADIUS_M,
    KNEE_MARKER_M,
    acetabulum,
    acetabulum_pole,
    femoral_head,
    femur,
    glenoid,
    glenoid_pole,
    hip_labrum,
    humerus,
    knee_marker,
    knee_marker_base,
    pelvis,
    scapula,
    shoulder_labrum,
)
from course.figures.controls import frame_slider, play_pause
from course.figures.mesh import ROUND_DECIMALS, Triangles, cut_eye, cut_plane, rotation_matrix, sphere

__all__ = ["HIP_MOTIONS", "hip_joint_figure", "hip_motion_axis_label", "shoulder_comparison_figure"]

# --------------------------------------------------------------------------------------------
# Motions, axes and sign conventions (see the module docstring)

AxisName = Literal["side_to_side", "front_to_back", "thigh_long_axis"]
View = Literal["side", "front", "above"]


@dataclass(frozen=True)
class _Axis:
    label: str  # what the learner reads beside the line
    direction: tuple[float, float, float]  # unit vector in the anatomical position
    reach_m: tuple[float, float]  # how far the drawn line runs behind and ahead of the centre, metres


_AXES: dict[AxisName, _Axis] = {
    "side_to_side": _Axis("Side-to-side axis", (0.0, -1.0, 0.0), (0.045, 0.075)),
    "front_to_back": _Axis("Front-to-back axis", (1.0, 0.0, 0.0), (0.05, 0.085)),
    "thigh_long_axis": _Axis("Long axis of thigh", (0.0, 0.0, -1.0), (0.045, 0.165)),
}


@dataclass(frozen=True)
class _Motion:
    axis: AxisName  # the axis the femur turns about
    turn: tuple[float, float, float]  # right-hand-rule unit vector: a positive angle is this motion
    view: View  # the camera a beginner understands for this motion


_MOTIONS: dict[str, _Motion] = {
    "flexion": _Motion("side_to_side", (0.0, -1.0, 0.0), "side"),
    "extension": _Motion("side_to_side", (0.0, 1.0, 0.0), "side"),
    "abduction": _Motion("front_to_back", (-1.0, 0.0, 0.0), "front"),
    "adduction": _Motion("front_to_back", (1.0, 0.0, 0.0), "front"),
    "internal_rotation": _Motion("thigh_long_axis", (0.0, 0.0, 1.0), "above"),
    "external_rotation": _Motion("thigh_long_axis", (0.0, 0.0, -1.0), "above"),
}

HIP_MOTIONS: tuple[str, ...] = tuple(_MOTIONS)  # the motions hip_joint_figure can show, in course order


def hip_motion_axis_label(motion: str) -> str:
    """The axis a hip motion turns about, as the figure labels it ("Side-to-side axis").

    Raises ``ValueError`` for a motion not in :data:`HIP_MOTIONS`."""
    return _AXES[_motion_spec(motion).axis].label


# --------------------------------------------------------------------------------------------
# Look: high contrast on a phone (ivory bone and blue cartilage on a dark stage)

_BONE = "#F3EAD3"
_PELVIS = "#E3D3AE"
_CARTILAGE = "#3B8FE0"
_LABRUM = "#8CC4F5"
_ACCENT = "#FF9F1C"  # the chosen axis, the angle arc, the knee marker
_DIM = "#8792A6"
_STAGE = "#16202E"
_TEXT_ON_STAGE = "#F8FAFC"
_TEXT = "#1F2937"
_FONT = "Arial, Helvetica, sans-serif"
_LIGHTING = dict(ambient=0.45, diffuse=0.85, specular=0.25, roughness=0.6, fresnel=0.1)
_LIGHT_POSITION = dict(x=1000, y=-600, z=2000)

# Where the camera sits, in the scene's normalised box units (up is always +z). "side" looks
# from the right and a little in front, because from straight out to the side the neck and the
# greater trochanter hide the ball; "front" looks from the front and a little to the right, so the
# front-to-back axis shows as a line rather than a dot; "above" looks down from front-right.
_CAMERAS: dict[View, dict[str, float]] = {
    "side": dict(x=0.75, y=-1.3, z=0.25),
    "front": dict(x=1.4, y=-0.6, z=0.3),
    "above": dict(x=1.0, y=-0.6, z=1.0),
}

FIGURE_HEIGHT_PX = 600  # fits a 390 x 844 phone screen with the page's heading above it
_CONTROLS_HEIGHT = 0.19  # fraction of the plotting area below the scene, for the slider and play button
FRAME_MS = 120  # per animation step


# --------------------------------------------------------------------------------------------
# Public figures


def hip_joint_figure(ranges: JointRanges, motion: str = "flexion") -> go.Figure:
    """The right hip in 3D, animated through one motion from standing tall to its typical limit.

    ``ranges`` are the hip's typical ranges of motion (``JointRanges`` with ``joint == "hip"``,
    degrees from the anatomical position). ``motion`` is one of :data:`HIP_MOTIONS`.

    The figure opens at the end of the range; the play button runs the motion from 0 deg and the
    slider (labelled in degrees) steps through it. The axis the motion turns about is drawn in
    orange, the other two in grey. Coordinates are metres about the joint centre (module docstring).

    Raises ``ValueError`` when ``motion`` is not one of :data:`HIP_MOTIONS`, when ``ranges`` is
    not the hip's, lacks the motion, or gives it a limit outside 0 to 180 degrees.
    """
    spec = _motion_spec(motion)
    if ranges.joint != "hip":
        raise ValueError(f"hip_joint_figure needs the hip's ranges, got the {ranges.joint!r} ranges")
    limit = _limit(ranges, motion)
    angles = _animation_angles(limit)
    label = motion.replace("_", " ").capitalize()

    static: list[go.BaseTraceType] = [
        _mesh(femoral_head(), "Femoral head (ball)", _BONE),
        _mesh(acetabulum(), "Acetabulum (socket)", _CARTILAGE),
        _mesh(hip_labrum(), "Labrum (cartilage rim)", _LABRUM),
        _mesh(pelvis(), "Pelvis (hip bone)", _PELVIS),
    ]
    for name in ("side_to_side", "front_to_back"):
        static.append(_axis_line(name, highlighted=name == spec.axis, rotation=np.eye(3)))
    static.append(_start_line(spec))
    static += _limit_marker(spec, limit)

    moving = _moving_traces(spec, angles[-1])  # the figure opens at the limit
    indexes = list(range(len(static), len(static) + len(moving)))
    kinds = [type(trace) for trace in moving]
    frames = [
        go.Frame(name=_angle_label(angle), data=_frame_data(spec, angle, kinds), traces=indexes) for angle in angles
    ]
    fig = go.Figure(data=static + moving, frames=frames)

    subtitle = _wrap(_description(ranges, motion), 44)
    fig.update_layout(
        title=dict(
            text=f"<b>Hip {label.lower()}: up to {limit:g}°</b>",
            subtitle=dict(text=subtitle, font=dict(size=13, color="#4B5563")),
            x=0.02,
            xanchor="left",
            y=0.985,
            yanchor="top",
            font=dict(size=19, color=_TEXT),
        ),
        scene=dict(
            _scene(_view_bounds(ranges, spec), spec.view, _joint_annotations(spec)),
            domain=dict(x=[0.0, 1.0], y=[_CONTROLS_HEIGHT, 1.0]),
        ),
        sliders=[_slider(angles, label, limit)],
        updatemenus=[_play_pause()],
        **_common_layout(),
        height=FIGURE_HEIGHT_PX,
        margin=dict(l=0, r=0, t=80, b=0),
    )
    return fig


def shoulder_comparison_figure(
    hip: JointRanges,
    shoulder: JointRanges,
    layout: Literal["stacked", "side_by_side"] = "stacked",
    cutaway: bool = True,
) -> go.Figure:
    """The right shoulder beside the right hip, to compare how deep each socket is.

    ``hip`` and ``shoulder`` are the two joints' ranges (degrees); their flexion limits appear in
    the labels. ``layout`` is ``"stacked"`` (shoulder above hip, for a phone) or
    ``"side_by_side"`` (for a wide screen). With ``cutaway`` the sockets and the bone behind them
    are cut in half through the middle of the socket, so the cut edge shows how far each cup
    wraps round its ball: 170 deg for the acetabulum (200 deg with its labrum) against 70 deg for
    the glenoid (90 deg with its labrum). Both scenes use the same scale. Coordinates are metres
    about each joint's centre (module docstring).

    Raises ``ValueError`` when the ranges are not the hip's and the shoulder's, or when either
    lacks a flexion limit, or when ``layout`` is not one of the two above.
    """
    if hip.joint != "hip" or shoulder.joint != "shoulder":
        raise ValueError(
            f"shoulder_comparison_figure needs the hip's and the shoulder's ranges, "
            f"got {hip.joint!r} and {shoulder.joint!r}"
        )
    if layout not in ("stacked", "side_by_side"):
        raise ValueError(f"layout must be 'stacked' or 'side_by_side', got {layout!r}")
    hip_flexion = _limit(hip, "flexion")
    shoulder_flexion = _limit(shoulder, "flexion")
    titles = (
        f"<b>Shoulder: shallow socket, more range</b><br>(flexion {shoulder_flexion:g}°)",
        f"<b>Hip: deep socket, more stability</b><br>(flexion {hip_flexion:g}°)",
    )
    stacked = layout == "stacked"
    specs = [[{"type": "scene"}], [{"type": "scene"}]] if stacked else [[{"type": "scene"}, {"type": "scene"}]]
    fig = make_subplots(
        rows=2 if stacked else 1,
        cols=1 if stacked else 2,
        specs=specs,
        subplot_titles=titles,
        vertical_spacing=0.09,
        horizontal_spacing=0.02,
    )

    hip_cut = cut_plane(acetabulum_pole()) if cutaway else None
    shoulder_cut = cut_plane(glenoid_pole()) if cutaway else None
    shoulder_traces = [
        _mesh(humerus(), "Humerus (upper arm bone)", _BONE),
        _mesh(sphere(np.zeros(3), HUMERAL_HEAD_RADIUS_M), "Humeral head (ball)", _BONE),
        _mesh(glenoid(shoulder_cut), "Glenoid (socket)", _CARTILAGE),
        _mesh(shoulder_labrum(shoulder_cut), "Labrum (cartilage rim)", _LABRUM),
        _mesh(scapula(shoulder_cut), "Shoulder blade", _PELVIS),
        _coverage_arc(glenoid_pole(), shoulder_cut, HUMERAL_HEAD_RADIUS_M, GLENOID_ARC_DEG, "Glenoid arc"),
    ]
    hip_traces = [
        _mesh(femur(), "Femur (thigh bone)", _BONE),
        _mesh(femoral_head(), "Femoral head (ball)", _BONE),
        _mesh(acetabulum(hip_cut), "Acetabulum (socket)", _CARTILAGE),
        _mesh(hip_labrum(hip_cut), "Labrum (cartilage rim)", _LABRUM),
        _mesh(pelvis(hip_cut), "Pelvis (hip bone)", _PELVIS),
        _coverage_arc(acetabulum_pole(), hip_cut, FEMORAL_HEAD_RADIUS_M, ACETABULUM_ARC_DEG, "Acetabulum arc"),
    ]
    for index, traces in enumerate((shoulder_traces, hip_traces)):
        row, col = (index + 1, 1) if stacked else (1, index + 1)
        for trace in traces:
            fig.add_trace(trace, row=row, col=col)

    bounds = np.array([[-0.06, 0.06], [-0.07, 0.07], [-0.09, 0.05]])  # metres; the same scale in both scenes
    shoulder_scene = _scene(bounds, "front", _comparison_annotations("shoulder"), eye=cut_eye(shoulder_cut))
    hip_scene = _scene(bounds, "front", _comparison_annotations("hip"), eye=cut_eye(hip_cut))
    fig.layout.scene.update(shoulder_scene)
    fig.layout.scene2.update(hip_scene)
    for annotation in fig.layout.annotations:  # the subplot titles
        annotation.update(font=dict(size=14, color=_TEXT, family=_FONT))
    fig.update_layout(
        title=dict(
            text="<b>How deep is the socket?</b>",
            x=0.02,
            xanchor="left",
            y=0.99,
            yanchor="top",
            font=dict(size=19, color=_TEXT),
        ),
        **_common_layout(),
        height=900 if stacked else 520,
        margin=dict(l=0, r=0, t=95 if stacked else 110, b=0),
    )
    return fig


# --------------------------------------------------------------------------------------------
# Checking arguments


def _motion_spec(motion: str) -> _Motion:
    try:
        return _MOTIONS[motion]
    except (KeyError, TypeError):
        pass
    close = difflib.get_close_matches(str(motion), HIP_MOTIONS, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown hip motion {motion!r}; choose one of: {', '.join(HIP_MOTIONS)}.{hint}")


def _limit(ranges: JointRanges, motion: str) -> float:
    try:
        degrees = float(ranges.degrees(motion))
    except KeyError:
        known = ", ".join(item.name for item in ranges.motions) or "none"
        raise ValueError(f"the {ranges.joint} ranges have no {motion!r} (they have: {known})") from None
    if not 0.0 <= degrees <= 180.0 or math.isnan(degrees):
        raise ValueError(f"the {ranges.joint} {motion} limit must be 0 to 180 degrees, got {degrees:g}")
    return degrees


def _description(ranges: JointRanges, motion: str) -> str:
    return next(item.description for item in ranges.motions if item.name == motion)


# --------------------------------------------------------------------------------------------
# Animation


def _animation_angles(limit_deg: float) -> list[float]:
    """0 up to the limit in round steps (1-15 deg), 10-20 steps for any limit over 10 deg."""
    if limit_deg == 0:
        return [0.0]
    step = next((s for s in (1, 2, 3, 5, 10, 15) if limit_deg / s <= 20), 15)
    angles = [float(a) for a in np.arange(0.0, limit_deg, step)]
    if limit_deg - angles[-1] < step / 3 and len(angles) > 1:
        angles.pop()  # avoid a sliver of a last step, e.g. ..., 119, 120.5
    return [*angles, float(limit_deg)]


def _angle_label(angle_deg: float) -> str:
    return f"{angle_deg:g}°"


def _slider(angles: Sequence[float], label: str, limit_deg: float) -> dict:
    slider = frame_slider(
        [(_angle_label(angle), _angle_label(angle)) for angle in angles],
        len(angles) - 1,
        prefix=f"{label} ",
        suffix=f" of {limit_deg:g}°",
        place=dict(x=0.03, len=0.94, y=_CONTROLS_HEIGHT - 0.015, yanchor="top", pad=dict(t=0, b=0, l=0, r=0)),
        font_size=17,
    )
    slider["currentvalue"].update(offset=14, font=dict(size=17, color=_TEXT))
    return dict(slider, ticklen=3, minorticklen=0, activebgcolor=_ACCENT)


def _play_pause() -> dict:
    return play_pause(
        FRAME_MS,
        from_start=True,
        place=dict(x=0.97, xanchor="right", y=_CONTROLS_HEIGHT - 0.005, yanchor="top", pad=dict(t=0, r=0)),
    )


# --------------------------------------------------------------------------------------------
# Scene, labels and layout


def _common_layout() -> dict:
    return dict(
        showlegend=False,
        paper_bgcolor="white",
        font=dict(family=_FONT, color=_TEXT),
        hoverlabel=dict(font=dict(size=13)),
    )


def _hidden_axis(low: float, high: float) -> dict:
    return dict(
        visible=False,
        range=[round(low, ROUND_DECIMALS), round(high, ROUND_DECIMALS)],
        autorange=False,
        showspikes=False,
    )


def _scene(bounds: np.ndarray, view: View, annotations: list[dict], eye: dict | None = None) -> dict:
    """Hidden axes with fixed ranges and true proportions, so nothing stretches or jumps between frames."""
    spans = bounds[:, 1] - bounds[:, 0]
    ratio = spans / spans.max()
    camera = dict(
        up=dict(x=0, y=0, z=1),
        center=dict(x=0, y=0, z=0),
        eye=eye or _CAMERAS[view],
        projection=dict(type="perspective"),
    )
    return dict(
        xaxis=_hidden_axis(*bounds[0]),
        yaxis=_hidden_axis(*bounds[1]),
        zaxis=_hidden_axis(*bounds[2]),
        aspectmode="manual",
        aspectratio=dict(x=float(ratio[0]), y=float(ratio[1]), z=float(ratio[2])),
        camera=camera,
        bgcolor=_STAGE,
        dragmode="turntable",
        annotations=annotations,
    )


def _view_bounds(ranges: JointRanges, spec: _Motion) -> np.ndarray:
    """Box round everything drawn for this motion and for its opposite, in metres: [[x0, x1], [y0, y1], [z0, z1]].

    Flexion and extension (and each other pair) share one box and one camera, so switching between
    them does not move the joint on the screen, and nothing moves out of view while animating.
    """
    drawn = [pelvis().points, acetabulum().points, hip_labrum().points, _start_points(spec)]
    drawn += [_axis_points(name, np.eye(3)) for name in _AXES]
    for other_name, other in _MOTIONS.items():
        if other.axis != spec.axis:
            continue
        try:
            other_limit = _limit(ranges, other_name)
        except ValueError:
            continue  # a missing opposite motion just leaves its side of the box out
        for angle in _animation_angles(other_limit):
            drawn += _moving_points(other, angle)
        drawn += _limit_points(other, other_limit)
    stacked = np.vstack(drawn)
    low, high = stacked.min(axis=0) - 0.012, stacked.max(axis=0) + 0.012
    return np.column_stack([low, high])


def _moving_points(spec: _Motion, angle_deg: float) -> list[np.ndarray]:
    """Coordinates (metres) of each trace that turns with the thigh, in the order of :func:`_moving_traces`."""
    rotation = rotation_matrix(np.array(spec.turn), angle_deg)
    parts = [femur().points @ rotation.T]
    if spec.axis == "thigh_long_axis":
        parts.append(knee_marker().points @ rotation.T)
    return [
        *parts,
        _axis_points("thigh_long_axis", rotation),
        _axis_tip("thigh_long_axis", rotation),
        _arc_points(spec, angle_deg),
    ]


def _moving_traces(spec: _Motion, angle_deg: float) -> list[go.BaseTraceType]:
    """The traces that turn with the thigh, at ``angle_deg`` into the motion."""
    rotation = rotation_matrix(np.array(spec.turn), angle_deg)
    shows_knee = spec.axis == "thigh_long_axis"  # twisting is only visible with a marker on the knee
    traces = [_mesh(femur().transformed(rotation), "Femur (thigh bone)", _BONE)]
    if shows_knee:
        traces.append(_mesh(knee_marker().transformed(rotation), "Front of the knee", _ACCENT))
    traces += [
        _axis_line("thigh_long_axis", highlighted=shows_knee, rotation=rotation),
        _axis_label(
            "thigh_long_axis", highlighted=shows_knee, rotation=rotation, side="left" if spec.turn[2] > 0 else "right"
        ),
        _line(_arc_points(spec, angle_deg), "Angle from standing", _ACCENT, 6),
    ]
    return traces


def _frame_data(spec: _Motion, angle_deg: float, kinds: list[type]) -> list[go.BaseTraceType]:
    """Only what changes between frames: the coordinates of the moving traces.

    Never their text: plotly.js draws a 3D text label too small once a frame changes its words
    (plotly/plotly.js#5754), so moving labels keep their words and the slider shows the angle.
    """
    return [
        kind(x=x, y=y, z=z)
        for kind, (x, y, z) in zip(kinds, (_coords(p) for p in _moving_points(spec, angle_deg)), strict=True)
    ]


def _label_box(
    text: str, at: np.ndarray, offset: tuple[int, int], color: str = _TEXT_ON_STAGE, size: int = 13, arrow: bool = True
) -> dict:
    """A label at the point at (metres, (3,)), its box offset (right, down) pixels from it."""
    x, y, z = at
    ax, ay = offset
    return dict(
        x=round(x, ROUND_DECIMALS),
        y=round(y, ROUND_DECIMALS),
        z=round(z, ROUND_DECIMALS),
        text=text,
        showarrow=arrow,
        ax=ax,
        ay=ay,
        arrowcolor=color,
        arrowwidth=1.5,
        arrowhead=0,
        font=dict(size=size, color=color, family=_FONT),
        bgcolor="rgba(22,32,46,0.7)",
        borderpad=3,
    )


# Pixel offsets (right, down) of each label from the point it names, per camera, tuned on a
# 390 px wide phone screen so that no two labels overlap.
_LABEL_OFFSETS: dict[View, dict[str, tuple[int, int]]] = {
    "side": {"head": (-60, -100), "cup": (-95, -30), "side_to_side": (-35, 50), "front_to_back": (40, -40)},
    "front": {"head": (65, -95), "cup": (80, 40), "side_to_side": (-45, -55), "front_to_back": (-30, 185)},
    "above": {"head": (-90, -60), "cup": (85, -70), "side_to_side": (-50, 40), "front_to_back": (60, 30)},
}


def _joint_annotations(spec: _Motion) -> list[dict]:
    offsets = _LABEL_OFFSETS[spec.view]
    r = FEMORAL_HEAD_RADIUS_M
    head_point = np.array([0.45, -0.75, 0.2]) / np.linalg.norm([0.45, -0.75, 0.2]) * r
    labels = [
        _label_box("Femoral head<br>(the ball)", head_point, offsets["head"]),
        _label_box("Acetabulum<br>(the socket)", _point_on_cup(), offsets["cup"], color=_LABRUM),
    ]
    for name in ("side_to_side", "front_to_back"):
        axis = _AXES[name]
        tip = np.array(axis.direction) * axis.reach_m[1]
        highlighted = name == spec.axis
        labels.append(
            _label_box(
                f"<b>{axis.label}</b>" if highlighted else axis.label,
                tip,
                offsets[name],
                color=_ACCENT if highlighted else _DIM,
                size=14 if highlighted else 12,
            )
        )
    return labels


def _point_on_cup() -> np.ndarray:
    """A point on the acetabulum's rim region that stays visible from every camera."""
    pole = acetabulum_pole()
    up_front = np.array([0.4, 0.0, 1.0])
    side = up_front - up_front.dot(pole) * pole
    side /= np.linalg.norm(side)
    angle = math.radians(ACETABULUM_ARC_DEG / 2 - 12)
    direction = pole * math.cos(angle) + side * math.sin(angle)
    return direction * (FEMORAL_HEAD_RADIUS_M + 0.006)


def _comparison_annotations(joint: Literal["hip", "shoulder"]) -> list[dict]:
    if joint == "hip":
        head, socket, arc = "Femoral head", "Acetabulum", ACETABULUM_ARC_DEG
        pole, radius = acetabulum_pole(), FEMORAL_HEAD_RADIUS_M
    else:
        head, socket, arc = "Humeral head", "Glenoid", GLENOID_ARC_DEG
        pole, radius = glenoid_pole(), HUMERAL_HEAD_RADIUS_M
    cut = cut_plane(pole)
    rim = pole * math.cos(math.radians(arc / 2)) + cut[1] * math.sin(math.radians(arc / 2))
    return [
        _label_box(head, -pole * radius * 0.5, (0, 0), arrow=False, size=14),
        _label_box(f"<b>{socket} wraps {arc:g}°</b>", rim * (radius + 0.008), (20, -45), color=_ACCENT, size=14),
    ]


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width))


# --------------------------------------------------------------------------------------------
# Traces


def _coords(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y, z rounded to 0.1 mm and sent as float32: plotly writes numpy arrays as base64 binary."""
    x, y, z = np.round(np.asarray(points, float), ROUND_DECIMALS).astype(np.float32).T
    return x, y, z


def _mesh(mesh: Triangles, name: str, color: str) -> go.Mesh3d:
    x, y, z = _coords(mesh.points)
    i, j, k = mesh.triangles.astype(np.int16 if len(mesh.points) < 2**15 else np.int32).T
    return go.Mesh3d(
        x=x,
        y=y,
        z=z,
        i=i,
        j=j,
        k=k,
        name=name,
        color=color,
        flatshading=False,
        lighting=_LIGHTING,
        lightposition=_LIGHT_POSITION,
        hovertemplate=f"{name}<extra></extra>",
        showscale=False,
    )


def _line(
    points: np.ndarray, name: str, color: str, width: float, dash: str = "solid", text: Sequence[str] | None = None
) -> go.Scatter3d:
    x, y, z = _coords(points)
    return go.Scatter3d(
        x=x,
        y=y,
        z=z,
        name=name,
        mode="lines+text" if text else "lines",
        line=dict(color=color, width=width, dash=dash),
        text=text,
        textfont=dict(color=color, size=16, family=_FONT),
        textposition="middle right",
        hovertemplate=f"{name}<extra></extra>",
    )


def _axis_points(name: AxisName, rotation: np.ndarray) -> np.ndarray:
    """The two ends of an axis line through the joint centre, metres."""
    axis = _AXES[name]
    direction = rotation @ np.array(axis.direction)
    return np.array([-direction * axis.reach_m[0], direction * axis.reach_m[1]])


def _axis_tip(name: AxisName, rotation: np.ndarray) -> np.ndarray:
    """Where an axis's label sits, just past its far end (1 x 3, metres)."""
    axis = _AXES[name]
    return (rotation @ np.array(axis.direction) * (axis.reach_m[1] + 0.008))[None]


def _axis_line(name: AxisName, highlighted: bool, rotation: np.ndarray) -> go.Scatter3d:
    label = _AXES[name].label
    return _line(_axis_points(name, rotation), label, _ACCENT if highlighted else _DIM, 11 if highlighted else 4)


def _axis_label(
    name: AxisName, highlighted: bool, rotation: np.ndarray, side: Literal["left", "right"] = "left"
) -> go.Scatter3d:
    """The label at the far end of an axis that moves with the thigh (a text trace, so frames can move it)."""
    label = _AXES[name].label
    x, y, z = _coords(_axis_tip(name, rotation))
    return go.Scatter3d(
        x=x,
        y=y,
        z=z,
        mode="text",
        text=[f"<b>{label}</b>" if highlighted else label],
        name=f"{label} label",
        textposition=f"bottom {side}" if highlighted else "bottom center",  # ``side``: away from the knee marker
        textfont=dict(color=_ACCENT if highlighted else _DIM, size=14 if highlighted else 12, family=_FONT),
        hoverinfo="skip",
    )


def _start_points(spec: _Motion) -> np.ndarray:
    """Where the thigh (or, for rotations, the front of the knee) was at 0 deg, metres."""
    if spec.axis == "thigh_long_axis":
        base = knee_marker_base()
        return np.array([base, base + np.array([KNEE_MARKER_M, 0.0, 0.0])])
    return np.array([[0.0, 0.0, 0.0], [0.0, 0.0, -ARC_RADIUS_M - 0.02]])


def _start_line(spec: _Motion) -> go.Scatter3d:
    return _line(_start_points(spec), "Start (standing tall)", "#CBD5E1", 4, dash="dash")


ARC_RADIUS_M = 0.105  # the angle arc, drawn just inside the end of the drawn femur


def _arc_centre(spec: _Motion) -> np.ndarray:
    if spec.axis == "thigh_long_axis":
        return np.array([0.0, 0.0, knee_marker_base()[2]])  # round the long axis, level with the knee marker
    # on the camera's side of the thigh so the femur never hides it (shifting along the turning
    # axis keeps the arc a true picture of the angle)
    return 0.045 * np.array(_AXES[spec.axis].direction)


def _arc_points(spec: _Motion, angle_deg: float) -> np.ndarray:
    """An arc from the start position to ``angle_deg`` into the motion, metres (at least 2 points)."""
    centre = _arc_centre(spec)
    if spec.axis == "thigh_long_axis":
        start = knee_marker_base() + np.array([KNEE_MARKER_M, 0.0, 0.0]) - centre
    else:
        start = np.array([0.0, 0.0, -ARC_RADIUS_M])
    count = max(2, int(abs(angle_deg) / 4) + 2)
    turn = np.array(spec.turn)
    return np.array([centre + rotation_matrix(turn, a) @ start for a in np.linspace(0.0, angle_deg, count)])


def _limit_points(spec: _Motion, limit_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """(tick across the arc's end, spot for the limit's number) at the limit, metres."""
    centre = _arc_centre(spec)
    end = _arc_points(spec, limit_deg)[-1] - centre
    twist = spec.axis == "thigh_long_axis"  # the number must clear the knee marker's arrowhead
    ahead = rotation_matrix(np.array(spec.turn), 28.0 if twist else 14.0)
    spot = centre + ahead @ end * (1.3 if twist else 1.12)  # a little past the arc, clear of the thigh
    return np.array([centre + end * 0.9, centre + end * 1.1]), spot[None]


def _limit_marker(spec: _Motion, limit_deg: float) -> list[go.Scatter3d]:
    """A short tick where the arc ends at the limit, and the limit in degrees beside it (both still)."""
    tick, spot = _limit_points(spec, limit_deg)
    x, y, z = _coords(spot)
    number = go.Scatter3d(
        x=x,
        y=y,
        z=z,
        mode="text",
        text=[f"<b>{_angle_label(limit_deg)}</b>"],
        name="Typical limit label",
        textposition="middle center",
        textfont=dict(color=_ACCENT, size=17, family=_FONT),
        hoverinfo="skip",
    )
    return [_line(tick, "Typical limit", _ACCENT, 6), number]


def _coverage_arc(
    pole: np.ndarray, cut: tuple[np.ndarray, np.ndarray] | None, radius: float, arc_deg: float, name: str
) -> go.Scatter3d:
    """The arc of the ball's surface the bony socket covers, drawn on the cut face just inside the cup."""
    normal, in_plane = cut or cut_plane(pole)
    half = math.radians(arc_deg / 2)
    angles = np.linspace(-half, half, 25)
    points = np.array([(pole * math.cos(a) + in_plane * math.sin(a)) * (radius + 0.0015) for a in angles])
    points = points + normal * 0.0005  # on the camera's side of the cut face
    return _line(points, name, _ACCENT, 7)
