"""The body figure and the angle chart: traces, frames and axes carry what the learner must see."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.figures.angles import Span, ThresholdLine, angle_chart, motions_angle_chart
from course.figures.body import FRAMES_PER_S, body_figure
from course.motions import good_hinge, rounded_back_hinge, squat

MM = 1e-3  # the figure rounds coordinates to millimetres


@pytest.fixture(scope="module")
def hinge():
    return good_hinge()


@pytest.fixture(scope="module")
def hinge_figure(hinge):
    return body_figure(hinge)


def traces_named(fig, frame, kind):
    """The moving trace of one kind ('com', 'plumb', ...) for each body in a frame."""
    order = ["near", "far", "joints", "head", "com", "plumb"]
    data = frame.data
    return [data[i] for i in range(order.index(kind), len(data), len(order))]


def labels(frame) -> list[str]:
    return [annotation.text for annotation in frame.layout.scene.annotations]


def test_one_frame_per_twelfth_of_a_second_with_a_matching_slider(hinge, hinge_figure):
    expected = math.floor(hinge.duration_s * FRAMES_PER_S + 1e-6) + 1
    assert len(hinge_figure.frames) == expected
    steps = hinge_figure.layout.sliders[0].steps
    assert [step.args[0][0] for step in steps] == [frame.name for frame in hinge_figure.frames]
    labels = [button.label for button in hinge_figure.layout.updatemenus[0].buttons]
    assert labels == ["▶ Play", "❚❚ Pause"]


def test_angle_labels_follow_the_motion_frame_by_frame(hinge, hinge_figure):
    for frame in hinge_figure.frames[:: max(1, len(hinge_figure.frames) // 8)]:
        t = float(frame.name)
        k = min(int(np.searchsorted(hinge.t_s, t)), len(hinge.t_s) - 1)
        text = labels(frame)
        assert text[0] == f"hip {hinge.poses[k].hip:.0f}°"
        assert text[1] == f"knee {hinge.poses[k].knee:.0f}°"
        assert text[2] == f"trunk {hinge.frames[k].trunk_inclination_deg:.0f}°"


def test_hip_label_reaches_the_bottom_of_the_hinge(hinge, hinge_figure):
    hips = [int(labels(f)[0].split()[1].rstrip("°")) for f in hinge_figure.frames]
    assert max(hips) == pytest.approx(hinge.angle_deg("hip").max(), abs=1)
    assert hips[0] == pytest.approx(hinge.angle_deg("hip")[0], abs=1)


def test_plumb_line_drops_from_the_centre_of_mass_to_the_floor_over_the_feet(hinge, hinge_figure):
    base = hinge.body.base_of_support
    for frame in hinge_figure.frames:
        com = traces_named(hinge_figure, frame, "com")[0]
        plumb = traces_named(hinge_figure, frame, "plumb")[0]
        assert plumb.x[0] == plumb.x[1] == com.x[0]
        assert (plumb.z[0], plumb.z[1]) == (com.z[0], 0.0)
        assert base.heel_x_m - MM <= com.x[0] <= base.toe_x_m + MM


@pytest.mark.slow
def test_neutral_spine_is_never_labelled_but_a_rounded_back_is():
    fig = body_figure([good_hinge(), rounded_back_hinge()], spacing_m=1.4)
    good_texts = [a.text for f in fig.frames for a in f.layout.scene.annotations if a.x < 0.7]
    bad_texts = [a.text for f in fig.frames for a in f.layout.scene.annotations if a.x >= 0.7]
    assert not any(t.startswith("back") for t in good_texts)
    assert any(t.startswith("back rounded") for t in bad_texts)


@pytest.mark.slow
def test_side_by_side_bodies_stand_apart_and_share_one_clock():
    hinge, deep_squat = good_hinge(), squat(pause_bottom_s=1.0)
    fig = body_figure([hinge, deep_squat], spacing_m=1.5)
    assert float(fig.frames[-1].name) == pytest.approx(
        max(hinge.duration_s, deep_squat.duration_s), abs=1 / FRAMES_PER_S
    )
    first = fig.frames[0]
    hips = [trace.x[0] for trace in traces_named(fig, first, "com")]
    assert hips[1] - hips[0] == pytest.approx(1.5, abs=0.05)
    titles = [t.text[0] for t in fig.data if t.type == "scatter3d" and t.mode == "text" and "<b>" in t.text[0]]
    assert titles == [f"<b>{hinge.title}</b>", f"<b>{deep_squat.title}</b>"]


def test_figure_opens_at_the_bottom_of_the_hinge_not_standing(hinge, hinge_figure):
    active = hinge_figure.layout.sliders[0].active
    assert float(hinge_figure.frames[active].name) == pytest.approx(hinge.reps[0].bottom_s, abs=0.5)
    assert labels(hinge_figure.frames[active]) == [a.text for a in hinge_figure.layout.scene.annotations]


@pytest.mark.slow
def test_fault_figure_opens_where_the_fault_shows():
    from course.motions import lean_back_hinge, neck_cranked_hinge

    lean = lean_back_hinge()
    fig = body_figure([good_hinge(), lean])
    opening = labels(fig.frames[fig.layout.sliders[0].active])
    assert any(text.startswith("back arched") for text in opening), opening
    fig = body_figure([good_hinge(), neck_cranked_hinge()])
    opening = labels(fig.frames[fig.layout.sliders[0].active])
    assert any(text.startswith("neck bent back") for text in opening), opening


@pytest.mark.slow
def test_weight_on_the_toes_is_labelled_on_the_fault_and_never_on_the_good_hinge():
    from course.motions import hips_not_back_hinge, weight_forward_hinge

    for fault in (hips_not_back_hinge(), weight_forward_hinge()):
        fig = body_figure([good_hinge(), fault], spacing_m=1.4)
        good_texts = {a.text for f in fig.frames for a in f.layout.scene.annotations if a.x < 0.7}
        fault_texts = {a.text for f in fig.frames for a in f.layout.scene.annotations if a.x >= 0.7}
        assert "weight on the toes" not in good_texts
        assert "weight on the toes" in fault_texts, fault.name
        opening = labels(fig.frames[fig.layout.sliders[0].active])
        assert "weight on the toes" in opening, fault.name


def test_plumb_line_of_a_weight_forward_fault_lands_near_the_toes():
    from course.motions import hips_not_back_hinge

    stuck = hips_not_back_hinge()
    fig = body_figure(stuck)
    base = stuck.body.base_of_support
    bottom = fig.frames[fig.layout.sliders[0].active]
    plumb = traces_named(fig, bottom, "plumb")[0]
    assert base.along_foot(float(plumb.x[1])) > 0.8


def test_sagittal_plane_is_translucent_and_splits_left_from_right(hinge_figure):
    (plane,) = [trace for trace in hinge_figure.data if trace.type == "mesh3d"]
    assert set(plane.y) == {0}
    assert 0 < plane.opacity < 0.3


def test_default_view_is_a_fixed_orthographic_side_view_without_axes(hinge_figure):
    scene = hinge_figure.layout.scene
    assert scene.camera.projection.type == "orthographic"
    assert (scene.camera.eye.x, scene.camera.eye.z) == (0, 0) and scene.camera.eye.y < 0
    for axis in (scene.xaxis, scene.yaxis, scene.zaxis):
        assert axis.visible is False and axis.range is not None


def test_body_figure_needs_a_motion():
    with pytest.raises(ValueError, match="at least one motion"):
        body_figure([])


def test_angle_chart_draws_each_angle_shades_reps_and_dashes_limits():
    t = np.linspace(0, 4, 41)
    hip = 40 * np.sin(t) + 40
    knee = np.full_like(t, 15.0)
    knee[10:13] = np.nan  # knees hidden for a moment
    fig = angle_chart(
        t,
        {"hip": hip, "knee": knee},
        spans=[Span(0.5, 2.0, "rep 1"), Span(2.0, 3.5, "rep 2")],
        thresholds=[ThresholdLine("knee", 35, "most knee bend for a hinge")],
    )
    assert [trace.name for trace in fig.data] == ["hip flexion", "knee flexion"]
    assert np.isnan(np.asarray(fig.data[1].y, dtype=float)[11])
    rects = [shape for shape in fig.layout.shapes if shape.type == "rect"]
    lines = [shape for shape in fig.layout.shapes if shape.type == "line"]
    assert [(r.x0, r.x1) for r in rects] == [(0.5, 2.0), (2.0, 3.5)]
    assert len(lines) == 1 and lines[0].y0 == 35 and lines[0].line.dash == "dash"
    assert fig.layout.xaxis.title.text == "seconds" and fig.layout.yaxis.title.text == "degrees"


def test_angle_chart_refuses_unknown_angles_and_mismatched_lengths():
    with pytest.raises(ValueError, match="unknown angle 'elbow'"):
        angle_chart([0, 1], {"elbow": [1, 2]})
    with pytest.raises(ValueError, match="hip has 3 values for 2 times"):
        angle_chart([0, 1], {"hip": [1, 2, 3]})


def test_hinge_and_squat_charts_show_the_squat_bending_the_knees_far_more(hinge):
    deep_squat = squat()
    fig = motions_angle_chart([hinge, deep_squat])
    knees = [trace for trace in fig.data if trace.name == "knee flexion"]
    assert len(knees) == 2
    assert max(knees[1].y) > max(knees[0].y) + 60
    assert [a.text for a in fig.layout.annotations if a.text in (hinge.title, deep_squat.title)] == [
        hinge.title,
        deep_squat.title,
    ]
