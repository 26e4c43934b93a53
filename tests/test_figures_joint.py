"""Behaviour of the 3D hip joint figures, checked from their traces, frames and layout."""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from course.content import CONTENT_DIR, JointMotion, JointRanges, _load_joint_ranges
from course.figures.joint import HIP_MOTIONS, hip_joint_figure, shoulder_comparison_figure

ANGLE_TOL_DEG = 0.05  # degrees: coordinates are rounded to 0.1 mm and sent as float32
LENGTH_TOL_M = 2e-4  # metres: two roundings of 0.1 mm
JSON_LIMIT_BYTES = 1_000_000  # the brief's hard limit per figure
JSON_TARGET_BYTES = 400_000  # and its "ideally"

# The sign convention of course.figures.joint, written out independently: the unit vector each
# motion turns the RIGHT femur about by the right-hand rule (x forward, y to the left, z up).
TURN_AXIS = {
    "flexion": (0, -1, 0),
    "extension": (0, 1, 0),
    "abduction": (-1, 0, 0),
    "adduction": (1, 0, 0),
    "internal_rotation": (0, 0, 1),
    "external_rotation": (0, 0, -1),
}
DEFAULT_DEGREES = {  # AAOS (1965), as in content/joint_ranges.yaml
    "hip": {
        "flexion": 120,
        "extension": 30,
        "abduction": 45,
        "adduction": 30,
        "internal_rotation": 45,
        "external_rotation": 45,
    },
    "shoulder": {
        "flexion": 180,
        "extension": 60,
        "abduction": 180,
        "adduction": 30,
        "internal_rotation": 70,
        "external_rotation": 90,
    },
}
# Unusual numbers, to show the figure follows the ranges it is given rather than the usual ones.
ODD_HIP = {
    "flexion": 95,
    "extension": 17,
    "abduction": 52,
    "adduction": 23,
    "internal_rotation": 33,
    "external_rotation": 61,
}


def ranges(joint: str = "hip", **degrees: float) -> JointRanges:
    numbers = {**DEFAULT_DEGREES[joint], **degrees}
    motions = tuple(JointMotion(name, float(value), f"{name} in plain words") for name, value in numbers.items())
    return JointRanges(joint=joint, name=joint.capitalize(), motions=motions, source="test")


@functools.cache
def hip_figure(motion: str, hip: JointRanges | None = None) -> go.Figure:
    return hip_joint_figure(hip or ranges(), motion)


@functools.cache
def comparison(
    layout: str = "stacked", hip: JointRanges | None = None, shoulder: JointRanges | None = None, cutaway: bool = True
) -> go.Figure:
    return shoulder_comparison_figure(
        hip or ranges("hip"), shoulder or ranges("shoulder"), layout=layout, cutaway=cutaway
    )


# --- reading figures ---------------------------------------------------------------------------


def points(trace) -> np.ndarray:
    return np.column_stack([np.asarray(trace.x, float), np.asarray(trace.y, float), np.asarray(trace.z, float)])


def trace_named(fig: go.Figure, name: str, scene: str = "scene"):
    matches = [t for t in fig.data if t.name == name and (t.scene or "scene") == scene]
    assert len(matches) == 1, f"expected one trace named {name!r} in {scene}, found {len(matches)}"
    return matches[0]


def in_frame(fig: go.Figure, frame: go.Frame, name: str) -> np.ndarray:
    """Coordinates of the trace called ``name`` as that frame draws it."""
    for index, update in zip(frame.traces, frame.data, strict=True):
        if fig.data[index].name == name:
            return points(update)
    raise AssertionError(f"frame {frame.name!r} does not move {name!r}")


def centre_of(trace) -> np.ndarray:
    p = points(trace)
    return (p.min(axis=0) + p.max(axis=0)) / 2


def frame_angle(frame: go.Frame) -> float:
    match = re.fullmatch(r"(-?[\d.]+)°", frame.name)
    assert match, f"frame name {frame.name!r} is not an angle in degrees"
    return float(match[1])


def fitted_rotation(before: np.ndarray, after: np.ndarray) -> tuple[np.ndarray, float]:
    """(unit axis, angle in degrees) of the rotation that best maps ``before`` onto ``after`` (Kabsch)."""
    u, _, vt = np.linalg.svd(before.T @ after)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    angle = math.degrees(math.acos(np.clip((np.trace(r) - 1) / 2, -1, 1)))
    axis = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])
    return axis / np.linalg.norm(axis), angle


def shaft_end(femur: np.ndarray, centre: np.ndarray, far_indexes: np.ndarray) -> np.ndarray:
    """Direction from the joint centre to the cut end of the drawn shaft."""
    end = femur[far_indexes].mean(axis=0) - centre
    return end / np.linalg.norm(end)


def far_end_indexes(femur: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Vertices of the femur's far end: the ones furthest from the joint centre, at rest."""
    distance = np.linalg.norm(femur - centre, axis=1)
    return np.flatnonzero(distance > distance.max() - 0.01)


def projected_angle(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> float:
    """Signed angle (degrees, right-hand rule about ``axis``) from a to b, both projected across ``axis``."""
    axis = axis / np.linalg.norm(axis)
    a = a - a.dot(axis) * axis
    b = b - b.dot(axis) * axis
    return math.degrees(math.atan2(np.cross(a, b).dot(axis), a.dot(b)))


def label_texts(fig: go.Figure) -> list[str]:
    texts = [a.text for name in ("scene", "scene2") if name in fig.layout for a in fig.layout[name].annotations]
    texts += [a.text for a in fig.layout.annotations]
    texts += [t for trace in fig.data if isinstance(trace, go.Scatter3d) and trace.text for t in trace.text]
    return [re.sub(r"<[^>]+>", " ", text).replace("  ", " ") for text in texts if text]


def covered_fraction(meshes: list[go.Mesh3d], centre: np.ndarray, rays: int = 800) -> float:
    """Fraction of a ball's surface its socket covers: the share of rays from the centre that hit a socket triangle."""
    golden = math.pi * (3 - math.sqrt(5))
    k = np.arange(rays) + 0.5
    z = 1 - 2 * k / rays
    ring = np.sqrt(1 - z * z)
    directions = np.column_stack([ring * np.cos(golden * k), ring * np.sin(golden * k), z])
    hit = np.zeros(rays, bool)
    for mesh in meshes:
        vertices = points(mesh) - centre
        a, b, c = (vertices[np.asarray(index)] for index in (mesh.i, mesh.j, mesh.k))
        e1, e2 = b - a, c - a  # Moller-Trumbore, every ray against every triangle
        p = np.cross(directions[:, None, :], e2[None])
        det = np.einsum("tk,rtk->rt", e1, p)
        ok = np.abs(det) > 1e-12
        inv = np.where(ok, 1 / np.where(ok, det, 1), 0)
        u = np.einsum("tk,rtk->rt", -a, p) * inv
        q = np.cross(-a, e1)
        v = np.einsum("rk,tk->rt", directions, q) * inv
        t = np.einsum("tk,tk->t", e2, q)[None] * inv
        hit |= (ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 0)).any(axis=1)
    return float(hit.mean())


def socket_arc_deg(socket: np.ndarray, centre: np.ndarray) -> float:
    """How far round its ball a socket surface reaches: the widest angle between two of its points."""
    directions = socket - centre
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return math.degrees(math.acos(np.clip((directions @ directions.T).min(), -1, 1)))


# --- the animation follows the ranges ------------------------------------------------------------


@pytest.mark.parametrize("motion", HIP_MOTIONS)
def test_each_motion_animates_from_zero_to_its_limit_in_ten_to_twenty_steps(motion):
    fig = hip_figure(motion)
    angles = [frame_angle(frame) for frame in fig.frames]
    assert angles[0] == 0
    assert angles[-1] == ranges().degrees(motion)
    assert angles == sorted(angles)
    assert 10 <= len(angles) - 1 <= 20


@pytest.mark.parametrize("motion", HIP_MOTIONS)
def test_last_frame_follows_the_limit_in_the_ranges_it_is_given(motion):
    odd = ranges(**ODD_HIP)
    fig = hip_figure(motion, odd)
    assert frame_angle(fig.frames[-1]) == ODD_HIP[motion]
    assert fig.layout.sliders[0].steps[-1].label == f"{ODD_HIP[motion]}°"
    assert f"up to {ODD_HIP[motion]}°" in fig.layout.title.text
    assert fig.layout.sliders[0].currentvalue.suffix == f" of {ODD_HIP[motion]}°"


@pytest.mark.parametrize("motion", HIP_MOTIONS)
def test_femur_turns_by_the_limit_about_the_motions_axis(motion):
    odd = ranges(**ODD_HIP)
    fig = hip_figure(motion, odd)
    centre = centre_of(trace_named(fig, "Femoral head (ball)"))
    first = in_frame(fig, fig.frames[0], "Femur (thigh bone)") - centre
    last = in_frame(fig, fig.frames[-1], "Femur (thigh bone)") - centre
    axis, angle = fitted_rotation(first, last)
    assert angle == pytest.approx(ODD_HIP[motion], abs=ANGLE_TOL_DEG)
    assert axis == pytest.approx(np.array(TURN_AXIS[motion], float), abs=1e-3)


def test_a_zero_limit_gives_one_still_frame():
    fig = hip_joint_figure(ranges(extension=0), "extension")
    assert [frame.name for frame in fig.frames] == ["0°"]
    assert [step.label for step in fig.layout.sliders[0].steps] == ["0°"]


def test_slider_steps_match_the_frames_and_are_labelled_in_degrees():
    for motion in HIP_MOTIONS:
        fig = hip_figure(motion)
        slider = fig.layout.sliders[0]
        names = [frame.name for frame in fig.frames]
        assert [step.label for step in slider.steps] == names
        assert all(re.fullmatch(r"\d+(\.\d+)?°", label) for label in names)
        for step in slider.steps:
            assert step.method == "animate"
            assert list(step.args[0]) == [step.label]
        assert slider.active == len(names) - 1  # opens at the limit, matching the traces drawn


def test_slider_readout_names_the_motion_and_its_limit():
    slider = hip_figure("internal_rotation").layout.sliders[0]
    readout = f"{slider.currentvalue.prefix}{slider.steps[2].label}{slider.currentvalue.suffix}"
    assert readout == f"Internal rotation {slider.steps[2].label} of 45°"


def test_play_button_plays_every_frame_and_pause_stops():
    menu = hip_figure("flexion").layout.updatemenus[0]
    play, pause = menu.buttons
    assert "Play" in play.label and play.method == "animate"
    assert play.args[0] is None  # None: all frames, in order
    assert play.args[1]["frame"]["duration"] > 0 and play.args[1]["frame"]["redraw"] is True
    assert pause.method == "animate" and list(pause.args[0]) == [None]


def test_frames_only_carry_the_traces_that_move():
    fig = hip_figure("abduction")
    moved = {fig.data[index].name for index in fig.frames[0].traces}
    assert "Femur (thigh bone)" in moved
    assert moved.isdisjoint({"Femoral head (ball)", "Acetabulum (socket)", "Pelvis (hip bone)"})
    for frame in fig.frames:
        for update in frame.data:
            assert update.i is None if isinstance(update, go.Mesh3d) else update.text is None


# --- the femur moves the right way -----------------------------------------------------------------


def test_flexion_swings_the_shaft_forward_by_the_limit_about_the_side_to_side_axis():
    fig = hip_figure("flexion")
    centre = centre_of(trace_named(fig, "Femoral head (ball)"))
    first = in_frame(fig, fig.frames[0], "Femur (thigh bone)")
    last = in_frame(fig, fig.frames[-1], "Femur (thigh bone)")
    far = far_end_indexes(first, centre)
    before, after = shaft_end(first, centre, far), shaft_end(last, centre, far)
    side_to_side = np.array([0.0, 1.0, 0.0])
    assert projected_angle(before, after, side_to_side) == pytest.approx(-120, abs=ANGLE_TOL_DEG)
    assert after[1] == pytest.approx(before[1], abs=1e-3)  # nothing moved sideways
    assert after[0] > 0.8  # the knee end is out in front (and up: 120 deg is past horizontal)
    assert after[2] > 0


def test_abduction_swings_the_shaft_out_by_the_limit_about_the_front_to_back_axis():
    fig = hip_figure("abduction")
    centre = centre_of(trace_named(fig, "Femoral head (ball)"))
    first = in_frame(fig, fig.frames[0], "Femur (thigh bone)")
    last = in_frame(fig, fig.frames[-1], "Femur (thigh bone)")
    far = far_end_indexes(first, centre)
    before, after = shaft_end(first, centre, far), shaft_end(last, centre, far)
    front_to_back = np.array([1.0, 0.0, 0.0])
    assert abs(projected_angle(before, after, front_to_back)) == pytest.approx(45, abs=ANGLE_TOL_DEG)
    assert after[0] == pytest.approx(before[0], abs=1e-3)  # nothing moved forwards or back
    assert after[1] < before[1] - 0.5  # out to the right side (-y), away from the midline


@pytest.mark.parametrize("motion, inwards", [("internal_rotation", True), ("external_rotation", False)])
def test_rotations_turn_the_front_of_the_knee_about_the_thigh_long_axis(motion, inwards):
    fig = hip_figure(motion)
    centre = centre_of(trace_named(fig, "Femoral head (ball)"))
    first = in_frame(fig, fig.frames[0], "Front of the knee") - centre
    last = in_frame(fig, fig.frames[-1], "Front of the knee") - centre
    tip = np.argmax(first[:, 0])  # the arrow's point: its most forward vertex at rest
    long_axis = np.array([0.0, 0.0, 1.0])
    assert projected_angle(first[tip], last[tip], long_axis) == pytest.approx(45 if inwards else -45, abs=ANGLE_TOL_DEG)
    assert (last[tip][1] > first[tip][1]) == inwards  # inwards = towards the midline (+y for the right hip)
    assert last[tip][2] == pytest.approx(first[tip][2], abs=LENGTH_TOL_M)  # the knee stays at the same height


def test_femoral_head_stays_centred_in_the_cup_in_every_frame():
    for motion in HIP_MOTIONS:
        fig = hip_figure(motion)
        head = trace_named(fig, "Femoral head (ball)")
        centre = centre_of(head)
        radius = np.linalg.norm(points(head) - centre, axis=1)
        assert radius == pytest.approx(np.full_like(radius, radius.mean()), abs=LENGTH_TOL_M)
        cup = np.linalg.norm(points(trace_named(fig, "Acetabulum (socket)")) - centre, axis=1)
        assert cup.min() > radius.mean()  # the cup sits just outside the ball, around the same centre
        assert cup.max() - radius.mean() < 0.006
        head_index = list(fig.data).index(head)
        at_rest = np.linalg.norm(in_frame(fig, fig.frames[0], "Femur (thigh bone)") - centre, axis=1)
        for frame in fig.frames:
            assert head_index not in frame.traces  # the ball never leaves its place
            distance = np.linalg.norm(in_frame(fig, frame, "Femur (thigh bone)") - centre, axis=1)
            assert distance == pytest.approx(at_rest, abs=LENGTH_TOL_M), (motion, frame.name)


# --- reading the figure ---------------------------------------------------------------------------


def test_unknown_motion_is_refused_naming_the_allowed_motions():
    with pytest.raises(ValueError) as error:
        hip_joint_figure(ranges(), "flexon")
    message = str(error.value)
    assert "'flexon'" in message and "Did you mean 'flexion'?" in message
    assert all(motion in message for motion in HIP_MOTIONS)


def test_shoulder_ranges_are_refused_by_the_hip_figure():
    with pytest.raises(ValueError, match=r"hip's ranges.*'shoulder'"):
        hip_joint_figure(ranges("shoulder"), "flexion")


def test_ranges_without_the_chosen_motion_are_refused_by_name():
    partial = JointRanges("hip", "Hip", (JointMotion("flexion", 120.0, "up"),), "test")
    with pytest.raises(ValueError, match=r"no 'abduction' \(they have: flexion\)"):
        hip_joint_figure(partial, "abduction")


@pytest.mark.parametrize("motion", HIP_MOTIONS)
def test_labels_name_the_ball_the_socket_and_all_three_axes(motion):
    texts = " | ".join(label_texts(hip_figure(motion)))
    for words in ("Femoral head", "Acetabulum", "Side-to-side axis", "Front-to-back axis", "Long axis of thigh"):
        assert words in texts


@pytest.mark.parametrize(
    "motion, axis",
    [
        ("flexion", "Side-to-side axis"),
        ("extension", "Side-to-side axis"),
        ("abduction", "Front-to-back axis"),
        ("adduction", "Front-to-back axis"),
        ("internal_rotation", "Long axis of thigh"),
        ("external_rotation", "Long axis of thigh"),
    ],
)
def test_the_chosen_motions_axis_is_highlighted_and_the_others_dimmed(motion, axis):
    fig = hip_figure(motion)
    names = ("Side-to-side axis", "Front-to-back axis", "Long axis of thigh")
    lines = {name: trace_named(fig, name) for name in names}
    chosen = lines.pop(axis)
    assert all(chosen.line.width > other.line.width for other in lines.values())
    assert all(chosen.line.color != other.line.color for other in lines.values())
    assert chosen.line.color == trace_named(fig, "Angle from standing").line.color  # same colour as the angle arc
    direction = np.diff(points(chosen), axis=0)[0]
    assert np.linalg.norm(np.cross(direction, TURN_AXIS[motion])) < 1e-3  # the line lies along the axis
    assert np.cross(points(chosen)[0] - centre_of(trace_named(fig, "Femoral head (ball)")), direction) == (
        pytest.approx(np.zeros(3), abs=1e-6)
    )  # and passes through the centre of the ball


def test_title_says_the_motion_and_its_limit_in_plain_words():
    assert "Hip flexion: up to 120°" in hip_figure("flexion").layout.title.text
    assert "Hip external rotation: up to 45°" in hip_figure("external_rotation").layout.title.text


def test_axes_are_hidden_with_fixed_ranges_that_hold_every_frame():
    for motion in HIP_MOTIONS:
        fig = hip_figure(motion)
        scene = fig.layout.scene
        spans = []
        for name in ("xaxis", "yaxis", "zaxis"):
            axis = scene[name]
            assert axis.visible is False and axis.autorange is False
            spans.append(axis.range[1] - axis.range[0])
        ratio = np.array([scene.aspectratio.x, scene.aspectratio.y, scene.aspectratio.z])
        assert scene.aspectmode == "manual"
        assert ratio == pytest.approx(np.array(spans) / max(spans), rel=1e-3)  # one metre is one metre on every axis
        low = np.array([scene[name].range[0] for name in ("xaxis", "yaxis", "zaxis")])
        high = np.array([scene[name].range[1] for name in ("xaxis", "yaxis", "zaxis")])
        drawn = [points(t) for t in fig.data] + [points(t) for f in fig.frames for t in f.data]
        for p in drawn:
            assert (p >= low - 1e-6).all() and (p <= high + 1e-6).all(), motion


@pytest.mark.parametrize(
    "first, second", [("flexion", "extension"), ("abduction", "adduction"), ("internal_rotation", "external_rotation")]
)
def test_opposite_motions_share_one_view(first, second):
    a, b = hip_figure(first).layout.scene, hip_figure(second).layout.scene
    assert a.camera.eye == b.camera.eye
    assert [a[n].range for n in ("xaxis", "yaxis", "zaxis")] == [b[n].range for n in ("xaxis", "yaxis", "zaxis")]


def test_camera_shows_each_motion_from_where_a_beginner_would_look():
    def eye(motion):
        e = hip_figure(motion).layout.scene.camera.eye
        return np.array([e.x, e.y, e.z])

    side, front, above = eye("flexion"), eye("abduction"), eye("internal_rotation")
    assert abs(side[1]) == max(abs(side))  # mostly from the (right) side
    assert abs(front[0]) == max(abs(front))  # mostly from the front
    assert above[2] >= 0.5 * np.linalg.norm(above) and above[0] > 0  # from above and in front


# --- the shoulder beside the hip -------------------------------------------------------------------


def test_comparison_shows_both_joints_with_flexion_numbers_from_the_ranges():
    fig = comparison(hip=ranges("hip", flexion=115), shoulder=ranges("shoulder", flexion=170))
    texts = label_texts(fig)
    assert any("Shoulder: shallow socket, more range" in t and "flexion 170°" in t for t in texts)
    assert any("Hip: deep socket, more stability" in t and "flexion 115°" in t for t in texts)
    assert trace_named(fig, "Glenoid (socket)", "scene") and trace_named(fig, "Humeral head (ball)", "scene")
    assert trace_named(fig, "Acetabulum (socket)", "scene2") and trace_named(fig, "Femoral head (ball)", "scene2")


def test_hip_socket_reaches_further_round_its_ball_than_the_glenoid():
    fig = comparison()  # cut in half through each socket's deepest point: the cut edge is the arc
    hip_centre = centre_of(trace_named(fig, "Femoral head (ball)", "scene2"))
    shoulder_centre = centre_of(trace_named(fig, "Humeral head (ball)", "scene"))
    hip_cup = socket_arc_deg(points(trace_named(fig, "Acetabulum (socket)", "scene2")), hip_centre)
    glenoid = socket_arc_deg(points(trace_named(fig, "Glenoid (socket)", "scene")), shoulder_centre)
    assert hip_cup == pytest.approx(170, abs=1)  # the acetabulum's ~170 deg of arc
    assert glenoid < 0.5 * hip_cup  # a golf ball on a tee


def test_hip_socket_covers_over_half_its_ball_and_the_glenoid_far_less():
    fig = comparison(cutaway=False)
    hip_socket = [trace_named(fig, name, "scene2") for name in ("Acetabulum (socket)", "Labrum (cartilage rim)")]
    glenoid = [trace_named(fig, name, "scene") for name in ("Glenoid (socket)", "Labrum (cartilage rim)")]
    hip = covered_fraction(hip_socket, centre_of(trace_named(fig, "Femoral head (ball)", "scene2")))
    shoulder = covered_fraction(glenoid, centre_of(trace_named(fig, "Humeral head (ball)", "scene")))
    assert hip > 0.55  # cup and labrum hold the ball past its equator
    assert shoulder < 0.2
    assert hip > 3 * shoulder


def test_hip_figure_cup_is_as_deep_as_in_the_comparison():
    fig = hip_figure("flexion")
    centre = centre_of(trace_named(fig, "Femoral head (ball)"))
    assert socket_arc_deg(points(trace_named(fig, "Acetabulum (socket)")), centre) == pytest.approx(170, abs=1)


@pytest.mark.parametrize("layout", ["stacked", "side_by_side"])
def test_comparison_scenes_share_one_scale_with_hidden_axes(layout):
    fig = comparison(layout)
    first, second = fig.layout.scene, fig.layout.scene2
    for name in ("xaxis", "yaxis", "zaxis"):
        assert first[name].visible is False and second[name].visible is False
        assert first[name].range == second[name].range
    if layout == "stacked":  # one above the other, each the full width of a phone
        assert first.domain.y[0] >= second.domain.y[1] and first.domain.x == second.domain.x == (0, 1)
    else:
        assert first.domain.x[1] <= second.domain.x[0]


def test_comparison_refuses_an_unknown_layout_or_swapped_ranges():
    with pytest.raises(ValueError, match="'stacked' or 'side_by_side'"):
        shoulder_comparison_figure(ranges("hip"), ranges("shoulder"), layout="grid")
    with pytest.raises(ValueError, match="hip's and the shoulder's ranges"):
        shoulder_comparison_figure(ranges("shoulder"), ranges("hip"))


# --- size and the real content -----------------------------------------------------------------


def test_every_figure_stays_small_enough_for_a_phone():
    figures = [hip_figure(motion) for motion in HIP_MOTIONS] + [comparison("stacked"), comparison("side_by_side")]
    for fig in figures:
        size = len(fig.to_json())
        assert size < JSON_LIMIT_BYTES
        assert size < JSON_TARGET_BYTES


@pytest.mark.slow
def test_the_courses_own_joint_ranges_draw_every_figure():
    real = _load_joint_ranges(CONTENT_DIR / "joint_ranges.yaml")
    for motion in HIP_MOTIONS:
        fig = hip_joint_figure(real["hip"], motion)
        assert fig.frames[-1].name == f"{real['hip'].degrees(motion):g}°"
    fig = shoulder_comparison_figure(real["hip"], real["shoulder"])
    assert any(f"flexion {real['shoulder'].degrees('flexion'):g}°" in t for t in label_texts(fig))
