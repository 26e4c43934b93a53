"""The articulated body in 3D: a motion played with its sagittal plane, joint angles and centre of mass.

Pure functions from motions (``course.motions``) to ``plotly.graph_objects.Figure``. The
default camera looks at the body's right side, orthographic, so that the angles a learner
reads on the screen are the true angles in the sagittal plane. Several motions can stand
side by side in one scene (a good hinge beside a squat or beside a fault); they share one
clock, one slider and one play button.

Frame of the scene: metres, x forward (the way the bodies face), y to the body's left,
z up; each further body stands ``spacing_m`` further along x.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from course.body import BONES, BaseOfSupport, Joint, PosedBody
from course.figures.controls import frame_slider, play_pause
from course.motions import Motion

FRAMES_PER_S = 12.0  # animation frames per second of motion: smooth enough, small enough for a phone
DECIMALS = 3  # millimetres are plenty for a drawing
COORDS = np.float32  # Plotly sends arrays as base64: float32 halves the figure against float64
# An orthographic scene zooms through its aspect ratio: these are the most scene units the
# bodies may span across and up the plot and still fit a 358 px wide phone column (measured
# in headless Chromium at 390 px, the width of an iPhone 12 to 15).
MAX_ACROSS = 2.0
MAX_UP = 1.6

NEAR = "#1f2937"  # the side facing the camera (the body's right): dark
FAR = "#9ca3af"  # the far side (left): light grey, as if in shadow
JOINT = "#0f766e"
COM = "#ea580c"  # centre of mass and its plumb line: the one warm colour in the scene
BASE = "#16a34a"  # the base of support under the feet
PLANE = "#60a5fa"
LABEL_FONT = {"size": 13, "color": "#111827"}
# The centre of mass this far from heel (0) to toe tip (1) is labelled "weight on the toes": past
# the balls of the feet, where the heels go light. A balanced lifter keeps it at mid-foot (0.5).
WEIGHT_ON_TOES = 0.7

_NEAR_BONES = tuple(sorted((a, b) for a, b in BONES if not (a.name.startswith("LEFT") or b.name.startswith("LEFT"))))
_FAR_BONES = tuple(sorted((a, b) for a, b in BONES if a.name.startswith("LEFT") or b.name.startswith("LEFT")))
_MARKED_JOINTS = (
    Joint.RIGHT_SHOULDER,
    Joint.RIGHT_ELBOW,
    Joint.RIGHT_HIP,
    Joint.RIGHT_KNEE,
    Joint.RIGHT_ANKLE,
    Joint.LUMBAR,
    Joint.THORACIC,
    Joint.NECK,
)


@dataclass(frozen=True)
class _Traces:
    """The moving traces of one body, for one frame."""

    near: go.Scatter3d
    far: go.Scatter3d
    joints: go.Scatter3d
    head: go.Scatter3d
    com: go.Scatter3d
    plumb: go.Scatter3d

    def all(self) -> list[go.Scatter3d]:
        return [self.near, self.far, self.joints, self.head, self.com, self.plumb]


def body_figure(
    motions: Motion | Sequence[Motion],
    *,
    spacing_m: float = 1.4,
    show_plane: bool = True,
    height_px: int = 460,
    animated: bool = True,
) -> go.Figure:
    """Animate one or more motions side by side on the course's body model.

    Each body shows its bones (near side dark, far side light), its hip, knee and trunk
    angles beside the joints, its centre of mass with a plumb line to the floor, and the
    base of support under its feet; a label says when its weight has gone to the toes.
    Play/pause buttons and a time slider drive all bodies. With ``animated=False`` the figure is
    only its opening frame (no frames, buttons or slider): the still a page shows first, built in
    a tenth of the time.
    Raises ``ValueError`` when no motion is given.
    """
    motions = [motions] if isinstance(motions, Motion) else list(motions)
    if not motions:
        raise ValueError("body_figure needs at least one motion")
    duration_s = max(float(m.t_s[-1]) for m in motions)
    clock = np.arange(0.0, duration_s + 1e-9, 1.0 / FRAMES_PER_S)
    offsets = [np.array([i * spacing_m, 0.0, 0.0]) for i in range(len(motions))]
    frame_index = [np.minimum(np.searchsorted(m.t_s, clock), len(m.t_s) - 1) for m in motions]

    def traces_at(k: int) -> list[go.Scatter3d]:
        out = []
        for motion, offset, index in zip(motions, offsets, frame_index, strict=True):
            out += _body_traces(motion.frames[index[k]], offset).all()
        return out

    def frame_updates(k: int) -> list[go.Scatter3d]:
        # A body moves only in its sagittal (x-z) plane, so a frame sends x and z; styles and
        # y stay as the first frame set them. This keeps the figure a third of the size it
        # would be with whole traces in every frame.
        return [go.Scatter3d(x=trace.x, z=trace.z) for trace in traces_at(k)]

    def labels_at(k: int) -> list[dict]:
        # Angles are scene annotations, not 3D text: Plotly redraws 3D text at the wrong size
        # once an animation frame changes its words (plotly.js issue 5754).
        out = []
        for motion, offset, index in zip(motions, offsets, frame_index, strict=True):
            out += _angle_labels(motion.frames[index[k]], motion.body.base_of_support, offset)
        return out

    static = _static_traces(motions, offsets, show_plane)
    start = _opening_frame(motions, frame_index)
    moving = traces_at(start)
    fig = go.Figure(data=moving + static)
    moving_ids = list(range(len(moving)))
    if animated:
        fig.frames = [
            go.Frame(
                data=frame_updates(k),
                traces=moving_ids,
                layout={"scene": {"annotations": labels_at(k)}},
                name=f"{t:.2f}",
            )
            for k, t in enumerate(clock)
        ]

    x_max = (len(motions) - 1) * spacing_m
    scene_range = {"x": [-0.95, x_max + 0.8], "y": [-0.45, 0.45], "z": [-0.05, 2.15]}
    spans = {axis: hi - lo for axis, (lo, hi) in scene_range.items()}
    scale = min(MAX_ACROSS / spans["x"], MAX_UP / spans["z"])
    axis_off = {"visible": False, "showspikes": False}
    fig.update_layout(
        height=height_px,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        showlegend=False,
        scene={
            "xaxis": {**axis_off, "range": scene_range["x"]},
            "yaxis": {**axis_off, "range": scene_range["y"]},
            "zaxis": {**axis_off, "range": scene_range["z"]},
            "aspectmode": "manual",
            "aspectratio": {axis: span * scale for axis, span in spans.items()},
            "camera": {
                "eye": {"x": 0.0, "y": -1.25, "z": 0.0},
                "up": {"x": 0, "y": 0, "z": 1},
                "center": {"x": 0, "y": 0, "z": 0},
                "projection": {"type": "orthographic"},
            },
            "dragmode": "turntable",
            "annotations": labels_at(start),
        },
    )
    if animated:
        fig.update_layout(
            updatemenus=[
                play_pause(
                    1000.0 / FRAMES_PER_S,
                    from_start=False,
                    place={"x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "top", "pad": {"t": 4, "r": 6}},
                )
            ],
            sliders=[
                frame_slider(
                    [(f"{t:.2f}", f"{t:.1f}") for t in clock],
                    start,
                    prefix="time ",
                    suffix=" s",
                    place={"x": 0.0, "len": 1.0, "y": 0.0, "yanchor": "top", "pad": {"t": 40, "b": 4}},
                    font_size=12,
                )
            ],
        )
    return fig


def _opening_frame(motions: Sequence[Motion], frame_index: Sequence[np.ndarray]) -> int:
    """The frame a figure opens on, before anyone presses Play: a still must teach something.

    One body: its deepest moment (most hip flexion). Several: the moment the last body stands
    furthest from the first, summed over its joints: where a fault shows (shins tipped back
    by locked knees, a lean back at the top, a head cranked up at the bottom).
    """
    if len(motions) == 1:
        return int(np.argmax(motions[0].angle_deg("hip")[frame_index[0]]))
    first = motions[0].points[frame_index[0]]
    last = motions[-1].points[frame_index[-1]]
    return int(np.argmax(np.linalg.norm(last - first, axis=2).sum(axis=1)))


def _body_traces(posed: PosedBody, offset: np.ndarray) -> _Traces:
    points = np.round(posed.points + offset, DECIMALS).astype(COORDS)
    com = np.round(posed.com + offset, DECIMALS).astype(COORDS)
    head = points[Joint.NECK] + 0.62 * (points[Joint.HEAD_TOP] - points[Joint.NECK])
    marked = points[list(_MARKED_JOINTS)]
    return _Traces(
        near=_lines(points, _NEAR_BONES, NEAR, 7),
        far=_lines(points, _FAR_BONES, FAR, 5),
        joints=go.Scatter3d(
            x=marked[:, 0],
            y=marked[:, 1],
            z=marked[:, 2],
            mode="markers",
            marker={"size": 4, "color": JOINT},
            hoverinfo="skip",
        ),
        head=go.Scatter3d(
            x=head[[0]],
            y=head[[1]],
            z=head[[2]],
            mode="markers",
            marker={"size": 16, "color": NEAR, "opacity": 0.9},
            hoverinfo="skip",
        ),
        com=go.Scatter3d(
            x=com[[0]],
            y=com[[1]] - 0.2,
            z=com[[2]],
            mode="markers",
            marker={"size": 5, "color": COM, "symbol": "diamond"},
            hovertemplate="centre of mass<extra></extra>",
        ),
        plumb=go.Scatter3d(
            x=com[[0, 0]],
            y=com[[1, 1]] - 0.2,
            z=np.array([com[2], 0.0], dtype=COORDS),
            mode="lines",
            line={"color": COM, "width": 4, "dash": "dash"},
            hoverinfo="skip",
        ),
    )


def _lines(points: np.ndarray, bones: Sequence[tuple[Joint, Joint]], colour: str, width: int) -> go.Scatter3d:
    # Each bone is its two end points then a NaN, which breaks the line before the next bone.
    ends = np.array([[points[a], points[b], [np.nan] * 3] for a, b in bones], dtype=COORDS).reshape(-1, 3)
    return go.Scatter3d(
        x=ends[:, 0],
        y=ends[:, 1],
        z=ends[:, 2],
        mode="lines",
        line={"color": colour, "width": width},
        connectgaps=False,
        hoverinfo="skip",
    )


def _angle_labels(posed: PosedBody, feet: BaseOfSupport, offset: np.ndarray) -> list[dict]:
    """Hip, knee and trunk angles as scene annotations beside their joints (and the back's bend
    when it is not neutral, the neck's when it is bent, the weight when it is on the toes)."""
    points = posed.points + offset
    hip, knee, neck = points[Joint.RIGHT_HIP], points[Joint.RIGHT_KNEE], points[Joint.NECK]
    # The trunk's label sits off its back, perpendicular to the hip-to-neck line, so it never
    # lands on the head whether the trunk is upright (squat) or tipped (hinge).
    trunk = neck - points[Joint.MID_HIP]
    behind = np.array([-trunk[2], 0.0, trunk[0]]) / max(float(np.hypot(trunk[0], trunk[2])), 1e-9)
    trunk_at = 0.5 * (points[Joint.MID_HIP] + neck) + 0.24 * behind
    labels = [
        (f"hip {posed.pose.hip:.0f}°", hip[0] - 0.22, hip[2] - 0.04),
        (f"knee {posed.pose.knee:.0f}°", knee[0] + 0.2, knee[2] - 0.12),
        (f"trunk {posed.trunk_inclination_deg:.0f}°", trunk_at[0], trunk_at[2]),
    ]
    bend = posed.spine_flexion_deg
    if abs(bend) >= 5:  # a neutral spine stays unlabelled, so the label itself flags the fault
        thoracic = points[Joint.THORACIC]
        labels.append((f"back {'rounded' if bend > 0 else 'arched'} {abs(bend):.0f}°", thoracic[0], thoracic[2] + 0.4))
    neck_bend = posed.pose.neck
    if abs(neck_bend) >= 10:  # the head in line with the back is the norm; say when it is not
        head_top = points[Joint.HEAD_TOP]
        words = "neck bent back" if neck_bend < 0 else "chin tucked"
        labels.append((f"{words} {abs(neck_bend):.0f}°", head_top[0] + 0.1, head_top[2] + 0.22))
    if feet.along_foot(float(posed.com[0])) >= WEIGHT_ON_TOES:
        labels.append(("weight on the toes", feet.toe_x_m + offset[0] + 0.12, 0.14))
    return [
        {
            "x": round(float(x), DECIMALS),
            "y": -0.3,
            "z": round(float(z), DECIMALS),
            "text": text,
            "showarrow": False,
            "font": LABEL_FONT,
            "bgcolor": "rgba(255,255,255,0.6)",
        }
        for text, x, z in labels
    ]


def _static_traces(
    motions: Sequence[Motion], offsets: Sequence[np.ndarray], show_plane: bool
) -> list[go.BaseTraceType]:
    traces: list[go.BaseTraceType] = []
    first, last = offsets[0][0], offsets[-1][0]
    if show_plane:
        x0, x1, z1 = first - 0.8, last + 0.75, 2.0
        traces.append(
            go.Mesh3d(
                x=[x0, x1, x1, x0],
                y=[0, 0, 0, 0],
                z=[0, 0, z1, z1],
                i=[0, 0],
                j=[1, 2],
                k=[2, 3],
                color=PLANE,
                opacity=0.13,
                hoverinfo="skip",
                flatshading=True,
                name="sagittal plane",
            )
        )
        traces.append(
            go.Scatter3d(
                x=[x0 + 0.05],
                y=[0.0],
                z=[z1 - 0.05],
                mode="text",
                text=["sagittal plane"],
                textposition="bottom right",
                textfont={"size": 11, "color": "#2563eb"},
                hoverinfo="skip",
            )
        )
    traces.append(
        go.Scatter3d(
            x=[first - 0.9, last + 0.8],
            y=[0, 0],
            z=[0, 0],
            mode="lines",
            line={"color": "#d1d5db", "width": 3},
            hoverinfo="skip",
            name="floor",
        )
    )
    for motion, offset in zip(motions, offsets, strict=True):
        base = motion.body.base_of_support
        traces.append(
            go.Scatter3d(
                x=[offset[0] + base.heel_x_m, offset[0] + base.toe_x_m],
                y=[-0.2, -0.2],
                z=[0.0, 0.0],
                mode="lines",
                line={"color": BASE, "width": 12},
                hoverinfo="skip",
                name="base of support",
            )
        )
        traces.append(
            go.Scatter3d(
                x=[offset[0]],
                y=[0.0],
                z=[2.02],
                mode="text",
                text=[f"<b>{motion.title}</b>"],
                textfont={"size": 15, "color": "#111827"},
                hoverinfo="skip",
            )
        )
    return traces
