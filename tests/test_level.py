"""Which way is up: a tilted phone is measured from the room and the lifter, and leans are taken
from the true vertical."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from course.analysis.faults import VERTICAL_RULES, find_faults
from course.analysis.kinematics import measure_motion
from course.analysis.level import (
    Estimate,
    body_vertical,
    estimate_level,
    level_sequence,
    scene_vertical,
    vertical_from_segments,
)
from course.analysis.video import VideoFrame
from course.landmarks import Camera
from course.motions import MOTIONS
from course.synthetic_landmarks import landmark_sequence
from course.thresholds import LEVEL_UNKNOWN


def hinge_seen_by(camera: Camera, motion: str = "good_hinge", **options):
    return landmark_sequence(MOTIONS[motion](reps=2, **options), camera, noise_px=1.0, rng=np.random.default_rng(3))


def turned(seq, clockwise_deg: float):
    """The sequence as a picture whose content is turned clockwise by clockwise_deg."""
    return level_sequence(seq, -clockwise_deg)


# --- the lifter ------------------------------------------------------------------------------


@pytest.mark.parametrize("facing", ["left", "right"])
@pytest.mark.parametrize("tilt", [-15.0, 0.0, 10.0])
def test_standing_legs_tell_how_far_the_picture_is_turned(facing, tilt):
    seq = turned(hinge_seen_by(Camera.side_view(facing)), tilt)
    estimate = body_vertical(measure_motion(seq))
    assert estimate is not None
    assert estimate.up_deg == pytest.approx(tilt, abs=2.0)


def test_a_clip_that_never_stands_tall_gives_no_vertical_from_the_body():
    seq = hinge_seen_by(Camera.side_view("right"))
    track = measure_motion(seq)
    bent = np.where(np.isfinite(track.hip_deg), np.maximum(track.hip_deg, 40.0), np.nan)
    import dataclasses

    assert body_vertical(dataclasses.replace(track, hip_deg=bent)) is None


def test_levelling_undoes_a_turn_of_the_picture():
    seq = hinge_seen_by(Camera.side_view("right"))
    back = level_sequence(turned(seq, 12.0), 12.0)
    assert np.allclose(back.image[..., :2], seq.image[..., :2], atol=1e-9, equal_nan=True)


def test_a_rolled_camera_of_the_body_model_reads_as_turned_and_is_levelled():
    rolled = hinge_seen_by(Camera.side_view("right", roll_deg=12.0))
    track = measure_motion(rolled)
    level = estimate_level((), rolled, track)
    assert level.source == "body"
    assert level.up_deg == pytest.approx(-12.0, abs=2.5)
    upright = measure_motion(level_sequence(rolled, level.up_deg))
    straight = measure_motion(hinge_seen_by(Camera.side_view("right")))
    top = int(np.nanargmin(straight.hip_deg))
    assert upright.trunk_deg[top] == pytest.approx(straight.trunk_deg[top], abs=2.5)


# --- the room --------------------------------------------------------------------------------


def segments_through(vanishing_x: float, vanishing_y: float, xs, length: float = 0.3):
    """Segments at x positions (picture heights) on the lines through a vanishing point."""
    out = []
    for x in xs:
        top = np.array([x, 0.4])
        direction = np.array([vanishing_x, vanishing_y]) - top
        direction /= np.linalg.norm(direction)
        if direction[1] > 0:
            direction = -direction
        bottom = top - direction * length
        out.append([*top, *bottom] if top[1] < bottom[1] else [*bottom, *top])
    return np.array(out)


def test_parallel_scene_lines_give_the_roll():
    angle = math.radians(8.0)  # content turned 8 degrees clockwise: verticals lean right at the top
    xs = [0.1, 0.3, 0.6, 0.9, 1.2]
    lines = np.array([[x + 0.3 * math.sin(angle), 0.2, x, 0.2 + 0.3 * math.cos(angle)] for x in xs])
    estimate = vertical_from_segments(lines, np.array([0.7, 0.5]))
    assert estimate is not None
    assert estimate.up_deg == pytest.approx(8.0, abs=0.2)
    assert estimate.lines == len(xs)


def test_converging_scene_lines_give_the_vertical_where_the_lifter_stands():
    # a phone tilted up: verticals meet far above the picture, at x = 0.8
    lines = segments_through(0.8, -3.0, [0.1, 0.4, 1.1, 1.5])
    lifter = np.array([0.2, 0.5])
    expected = math.degrees(math.atan2(0.8 - 0.2, 0.5 + 3.0))
    estimate = vertical_from_segments(lines, lifter)
    assert estimate.up_deg == pytest.approx(expected, abs=0.5)
    assert abs(expected) > 5  # the keystone is large enough to matter here


def test_two_lines_are_not_enough_to_trust_the_room():
    assert vertical_from_segments(segments_through(0.5, -1e9, [0.2, 0.9]), np.array([0.5, 0.5])) is None


def test_a_slanted_pole_among_the_verticals_is_outvoted():
    lines = segments_through(0.0, -1e7, [0.1, 0.5, 0.9, 1.3])
    lines = np.vstack([lines, [[0.6, 0.1, 0.75, 0.5]]])  # about 20 degrees off
    assert vertical_from_segments(lines, np.array([0.5, 0.5])).up_deg == pytest.approx(0.0, abs=0.5)


def room_picture(clockwise_deg: float, size=(480, 640)) -> np.ndarray:
    """A plain room: a wall with a door frame, panels and a rack upright, turned clockwise."""
    height, width = size
    image = np.full((height, width, 3), 200, np.uint8)
    for x in (60, 130, 470, 560):
        cv2.line(image, (x, 20), (x, height - 20), (40, 40, 40), 4)
    cv2.line(image, (0, int(0.8 * height)), (width, int(0.8 * height)), (90, 90, 90), 3)  # the floor
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), -clockwise_deg, 1.12)  # OpenCV: + is anticlockwise
    return cv2.warpAffine(image, turn, (width, height), borderMode=cv2.BORDER_REFLECT)


@pytest.mark.parametrize("tilt", [-10.0, 5.0, 15.0])
def test_the_room_s_door_frames_and_uprights_give_the_tilt_of_a_real_picture(tilt):
    seq = hinge_seen_by(Camera.side_view("right", width_px=640, height_px=480))
    frames = [VideoFrame(i, float(seq.t_s[i]), room_picture(tilt)) for i in (0, 10, 20)]
    estimate = scene_vertical(frames, seq, np.array([0.5, 0.5]))
    assert estimate is not None
    assert estimate.up_deg == pytest.approx(tilt, abs=1.0)


def test_lines_inside_the_lifter_s_box_are_not_the_room():
    seq = hinge_seen_by(Camera.side_view("right", width_px=640, height_px=480))
    image = np.full((480, 640, 3), 200, np.uint8)
    box_x = np.nanmean(seq.image[0, :, 0]) * 640
    for dx in (-20, 0, 20):  # only lines on the lifter's own outline
        cv2.line(image, (int(box_x + dx), 150), (int(box_x + dx + 40), 400), (30, 30, 30), 4)
    assert scene_vertical([VideoFrame(0, 0.0, image)], seq, np.array([0.5, 0.5])) is None


# --- combining and judging -------------------------------------------------------------------


def test_a_room_and_legs_that_disagree_leave_the_vertical_unknown(monkeypatch):
    import course.analysis.level as level

    seq = hinge_seen_by(Camera.side_view("right"))
    monkeypatch.setattr(level, "scene_vertical", lambda *a: Estimate(20.0, 1.0, 4))
    estimate = level.estimate_level((), seq, measure_motion(seq))
    assert estimate.source == "disagree"
    assert estimate.plus_minus > LEVEL_UNKNOWN.value


def test_nothing_to_go_on_assumes_a_level_camera():
    seq = hinge_seen_by(Camera.side_view("right"))
    track = measure_motion(seq)
    import dataclasses

    lying = dataclasses.replace(track, hip_deg=np.full(len(track), 60.0))
    level = estimate_level((), seq, lying)
    assert (level.source, level.up_deg) == ("assumed", 0.0)


def test_an_unknown_vertical_leaves_lean_and_hip_travel_unjudged_and_the_rest_judged():
    track = measure_motion(hinge_seen_by(Camera.side_view("right")))
    judgement = find_faults(track, "side", off_side_deg=0.0, vertical_error_deg=LEVEL_UNKNOWN.value + 1)
    skipped = {item.what for item in judgement.not_judged}
    assert skipped >= VERTICAL_RULES
    assert not VERTICAL_RULES & judgement.checked
    assert {"rounded_back", "squat_pattern", "locked_knees"} <= judgement.checked


def test_a_slight_lean_back_within_the_vertical_s_uncertainty_is_not_reported():
    # leaning back about 10.5 deg: seen with a known vertical, not with one known to 7 deg
    seq = hinge_seen_by(Camera.side_view("right"), "lean_back_hinge", hip_deg=-5.0, lumbar_deg=-8.0)
    track = measure_motion(seq)
    assert "lean_back_at_top" in {f.fault for f in find_faults(track, "side", off_side_deg=0.0).findings}
    unsure = find_faults(track, "side", off_side_deg=0.0, vertical_error_deg=7.0)
    assert "lean_back_at_top" in unsure.checked
    assert "lean_back_at_top" not in {f.fault for f in unsure.findings}


def test_a_clear_lean_back_is_still_reported_when_the_vertical_is_roughly_known():
    seq = hinge_seen_by(Camera.side_view("right"), "lean_back_hinge")  # about 18 deg back
    track = measure_motion(seq)
    rough = find_faults(track, "side", off_side_deg=0.0, vertical_error_deg=LEVEL_UNKNOWN.value)
    assert "lean_back_at_top" in {f.fault for f in rough.findings}


@pytest.mark.parametrize("roll", [-15.0, -10.0, -5.0, 5.0, 10.0, 15.0])
def test_an_upright_lockout_filmed_by_a_rolled_phone_is_not_leaning_back(roll):
    seq = hinge_seen_by(Camera.side_view("right", roll_deg=roll))
    level = estimate_level((), seq, measure_motion(seq))
    track = measure_motion(level_sequence(seq, level.up_deg))
    judgement = find_faults(track, "side", off_side_deg=0.0, vertical_error_deg=level.plus_minus)
    assert not {f.fault for f in judgement.findings} & VERTICAL_RULES


@pytest.mark.parametrize("pitch", [-20.0, 25.0])
def test_an_upright_lockout_filmed_by_a_pitched_phone_is_not_leaning_back(pitch):
    seq = hinge_seen_by(Camera.side_view("right", pitch_deg=pitch, height_m=0.3 if pitch > 0 else 1.6))
    level = estimate_level((), seq, measure_motion(seq))
    track = measure_motion(level_sequence(seq, level.up_deg))
    judgement = find_faults(track, "side", off_side_deg=0.0, vertical_error_deg=level.plus_minus)
    assert not {f.fault for f in judgement.findings} & VERTICAL_RULES
