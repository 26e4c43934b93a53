"""Behaviour of course.analysis.camera_view: the camera's view and the framing, from landmarks."""

import dataclasses
import math
from functools import cache

import numpy as np
import pytest

from course.analysis.camera_view import (
    FEET_OUT_OF_FRAME,
    HEAD_OUT_OF_FRAME,
    PERSON_TOO_SMALL,
    VIEW_CUTOFFS_DEG,
    classify_view,
    expected_shoulder_ratio,
    framing_problems,
)
from course.landmarks import Camera
from course.landmarks import Landmark as L
from course.motions import Motion, good_hinge
from course.synthetic_landmarks import Swap, landmark_sequence

NOISE_PX = 3.0  # pixels of landmark jitter
RATIO_TOL = 0.01  # torso lengths: the |cos| law against the projected body model (perspective)
AZIMUTH_TOL_DEG = 5.0  # degrees: the estimated camera angle on a noisy clip


@cache
def hinge() -> Motion:
    return good_hinge(reps=1)


def view_from(azimuth_deg: float, **options) -> str:
    seq = landmark_sequence(hinge(), Camera(azimuth_deg=azimuth_deg), noise_px=NOISE_PX, rng=1, **options)
    return classify_view(seq).view


@pytest.mark.parametrize("facing", ["left", "right"])
def test_side_view_is_side(facing):
    seq = landmark_sequence(hinge(), Camera.side_view(facing), noise_px=NOISE_PX, rng=0)
    estimate = classify_view(seq)
    assert estimate.view == "side"
    assert estimate.confidence > 0.9
    assert "side-on" in estimate.reason


@pytest.mark.parametrize(
    "azimuth_deg, view",
    [
        (0.0, "front"),
        (45.0, "front-oblique"),
        (-45.0, "front-oblique"),
        (135.0, "rear-oblique"),
        (-135.0, "rear-oblique"),
        (180.0, "rear"),
    ],
)
def test_named_camera_positions_get_their_names(azimuth_deg, view):
    assert view_from(azimuth_deg) == view


@pytest.mark.parametrize("cutoff", VIEW_CUTOFFS_DEG)
def test_the_cut_offs_sit_halfway_between_named_views(cutoff):
    before, after = view_from(cutoff - 6.0), view_from(cutoff + 6.0)
    assert before != after


def test_the_estimated_camera_angle_follows_the_camera():
    for azimuth in (10.0, 30.0, 60.0, 80.0, 120.0, 150.0):
        seq = landmark_sequence(hinge(), Camera(azimuth_deg=azimuth), noise_px=NOISE_PX, rng=2)
        assert classify_view(seq).azimuth_deg == pytest.approx(azimuth, abs=AZIMUTH_TOL_DEG)


def test_expected_ratios_follow_the_cosine_of_the_camera_angle():
    front = expected_shoulder_ratio(0.0)
    assert 0.55 < front < 0.75  # shoulder joints 35 cm apart over a 53 cm torso
    for azimuth in (22.5, 45.0, 67.5, 90.0, 135.0):
        assert expected_shoulder_ratio(azimuth) == pytest.approx(
            front * abs(math.cos(math.radians(azimuth))), abs=RATIO_TOL
        )


def test_a_few_swapped_frames_do_not_turn_a_front_view_around():
    assert view_from(30.0, swap_fraction=0.1) == "front-oblique"


def test_front_and_rear_that_cannot_be_told_apart_say_oblique():
    m = hinge()
    half = m.duration_s / 2
    seq = landmark_sequence(m, Camera(azimuth_deg=45.0), swaps=[Swap(0.0, half)])
    estimate = classify_view(seq)
    assert estimate.view == "oblique" and estimate.confidence > 0.8


def test_no_person_is_an_unknown_view_with_a_reason():
    seq = landmark_sequence(hinge(), drop_fraction=1.0, rng=0)
    estimate = classify_view(seq)
    assert estimate.view == "unknown" and estimate.confidence == 0.0
    assert math.isnan(estimate.azimuth_deg) and "camera" in estimate.reason


def test_a_well_framed_clip_has_no_framing_problems():
    assert framing_problems(landmark_sequence(hinge(), Camera.side_view("right"))) == []
    portrait = Camera.side_view("left", width_px=720, height_px=1280, distance_m=2.0)
    assert framing_problems(landmark_sequence(hinge(), portrait)) == []


@pytest.mark.parametrize(
    "settings, problems",
    [
        (dict(distance_m=1.5, height_m=1.6), [FEET_OUT_OF_FRAME]),
        (dict(distance_m=1.5, height_m=0.3), [HEAD_OUT_OF_FRAME]),
        (dict(distance_m=1.2), [FEET_OUT_OF_FRAME, HEAD_OUT_OF_FRAME]),
        (dict(distance_m=15.0), [PERSON_TOO_SMALL]),
    ],
)
def test_framing_problems_name_what_the_picture_cuts_off(settings, problems):
    seq = landmark_sequence(hinge(), Camera.side_view("right", **settings))
    assert framing_problems(seq) == problems


def test_nobody_in_the_picture_has_no_framing_problems_to_report():
    assert framing_problems(landmark_sequence(hinge(), drop_fraction=1.0, rng=0)) == []


def test_confidence_is_lower_for_a_clip_of_one_frame():
    seq = landmark_sequence(hinge(), Camera.side_view("right"))
    one = type(seq)(
        t_s=seq.t_s[:1],
        image=seq.image[:1],
        world=seq.world[:1],
        visibility=seq.visibility[:1],
        width_px=seq.width_px,
        height_px=seq.height_px,
    )
    assert classify_view(one).view == "side"
    assert classify_view(one).confidence < classify_view(seq).confidence
    assert np.isfinite(classify_view(one).azimuth_deg)


def test_shoulders_cut_off_the_top_of_the_picture_are_not_read_as_a_side_view():
    """A close front-oblique camera that cuts the shoulders off when the lifter stands tall:
    MediaPipe still places them, often close together (side-on looking). Only frames whose
    shoulders and hips are in the picture tell the view."""
    from course.landmarks import Camera
    from course.motions import MOTIONS
    from course.synthetic_landmarks import landmark_sequence

    seq = landmark_sequence(MOTIONS["good_hinge"](reps=2), Camera(azimuth_deg=45.0, distance_m=2.5, height_m=0.6))
    image = np.array(seq.image)
    shoulders = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]
    cut = (image[:, shoulders, 1] < 0.0).any(axis=1)
    assert 0.2 < cut.mean() < 0.9, "the camera must cut the shoulders off while standing, not always"
    image[np.ix_(cut, shoulders, [0])] = image[cut][:, shoulders, :1].mean(axis=1, keepdims=True)  # guessed together
    guessed = dataclasses.replace(seq, image=image)
    assert classify_view(guessed).view == "front-oblique"
