"""The back's outline on the silhouette: read on the body model's silhouette with its lumbar and
thoracic joints bent by known angles, and the rounded-back rule that uses it."""

from __future__ import annotations

import itertools
import math

import cv2
import numpy as np
import pytest

from course import thresholds as limits
from course.analysis.back import outline_bend, outline_profile
from course.analysis.faults import find_faults
from course.analysis.kinematics import measure_motion
from course.body import Body, Pose
from course.landmarks import Camera, body_landmarks
from course.motions import MOTIONS
from course.silhouettes import body_silhouette
from course.synthetic_landmarks import landmark_sequence
from tests.silhouette_factory import sequence_with_silhouettes

BODY = Body()
SIDE = Camera.side_view("right")
# The bottoms of a Romanian deadlift, a deadlift from the floor and a shallow hinge: (hip, knee).
BOTTOMS = {"romanian deadlift": (85.0, 20.0), "deadlift": (70.0, 60.0), "shallow hinge": (60.0, 20.0)}


def bend_of(hip: float, knee: float, lumbar: float, thoracic: float, camera: Camera = SIDE, body: Body = BODY) -> float:
    posed = body.balance(Pose(hip=hip, knee=knee, lumbar=lumbar, thoracic=thoracic), hang_arms=True).posed
    landmarks = camera.project(body_landmarks(posed, body.height_m))[:, :2] / [camera.width_px, camera.height_px]
    return outline_bend(body_silhouette(posed, camera, body), landmarks)


@pytest.mark.parametrize("bottom", list(BOTTOMS))
def test_a_straight_back_reads_straight(bottom):
    assert abs(bend_of(*BOTTOMS[bottom], 0.0, 0.0)) < 1.5


@pytest.mark.parametrize("bottom", list(BOTTOMS))
def test_the_threshold_is_the_bend_the_named_spine_flexion_makes_on_the_body_model(bottom):
    half = limits.SPINE_ROUNDED.value / 2
    bend = bend_of(*BOTTOMS[bottom], half, half)
    assert limits.BACK_OUTLINE_BEND.value <= bend <= limits.BACK_OUTLINE_BEND.value + 1.5


@pytest.mark.parametrize("bottom", list(BOTTOMS))
def test_the_outline_bends_more_as_the_spine_flexes_and_inwards_when_it_arches(bottom):
    bends = [bend_of(*BOTTOMS[bottom], flexion / 2, flexion / 2) for flexion in (0, 10, 20, 30, 40)]
    assert all(b > a for a, b in itertools.pairwise(bends))
    assert bend_of(*BOTTOMS[bottom], -15.0, 0.0) < -3.0


@pytest.mark.parametrize("lumbar, thoracic", [(20.0, 0.0), (0.0, 20.0)])
def test_rounding_in_the_lower_or_the_upper_back_alone_both_bend_the_outline(lumbar, thoracic):
    assert bend_of(*BOTTOMS["romanian deadlift"], lumbar, thoracic) > 5.0


@pytest.mark.parametrize(
    "camera",
    [
        Camera.side_view("left"),
        Camera.side_view("right", roll_deg=12.0),
        Camera.side_view("right", distance_m=6.0),
        Camera.side_view("right", width_px=720, height_px=1280),
    ],
    ids=["facing left", "phone turned 12 degrees", "twice as far", "portrait"],
)
def test_the_bend_does_not_depend_on_which_way_the_lifter_faces_or_how_the_phone_is_held(camera):
    # within 2 degrees: the mask's pixels move a reading by about one (OUTLINE_MIN_TORSO)
    straight, rounded = (bend_of(*BOTTOMS["romanian deadlift"], f, f, camera=camera) for f in (0.0, 15.0))
    assert abs(straight - bend_of(*BOTTOMS["romanian deadlift"], 0.0, 0.0)) < 2.0
    assert abs(rounded - bend_of(*BOTTOMS["romanian deadlift"], 15.0, 15.0)) < 2.0


def test_a_bigger_or_smaller_person_reads_the_same():
    for body in (Body(height_m=1.55, mass_kg=55.0), Body(height_m=1.95, mass_kg=100.0)):
        assert (
            abs(bend_of(*BOTTOMS["deadlift"], 12.0, 12.0, body=body) - bend_of(*BOTTOMS["deadlift"], 12.0, 12.0)) < 2.0
        )


def _posed_bottom():
    posed = BODY.balance(Pose(hip=85.0, knee=20.0), hang_arms=True).posed
    landmarks = SIDE.project(body_landmarks(posed, BODY.height_m))[:, :2] / [SIDE.width_px, SIDE.height_px]
    return body_silhouette(posed, SIDE, BODY), landmarks


def test_something_standing_out_of_the_back_gives_no_reading_rather_than_a_rounded_one():
    mask, landmarks = _posed_bottom()
    _along, out = outline_profile(mask, landmarks)
    assert np.isfinite(out).all()
    height, width = mask.shape
    shoulder = landmarks[[11, 12], :2].mean(axis=0) * [width, height]
    hip = landmarks[[23, 24], :2].mean(axis=0) * [width, height]
    middle = (0.5 * (shoulder + hip)).astype(int)
    bag = mask.copy()  # a bag or a loose hood lying on the middle of the back
    cv2.rectangle(bag, (int(middle[0]) - 25, 0), (int(middle[0]) + 5, int(middle[1])), 1.0, thickness=-1)
    assert math.isnan(outline_bend(bag, landmarks))


def test_no_reading_without_the_joints_or_on_a_person_too_small_to_measure():
    mask, landmarks = _posed_bottom()
    hidden = landmarks.copy()
    hidden[[25, 26]] = np.nan  # no knees: which side is the back is unknown
    assert outline_profile(mask, hidden) is None
    tiny = cv2.resize(mask, (64, 36), interpolation=cv2.INTER_AREA)
    assert outline_profile(tiny, landmarks) is None
    assert math.isnan(outline_bend(np.zeros_like(mask), landmarks))


# --- the rounded-back rule on synthetic clips with a silhouette --------------------------------------


def judged(motion_name: str, **angles):
    motion = MOTIONS[motion_name](reps=2, **angles)
    seq = sequence_with_silhouettes(motion, SIDE, noise_px=2.0, rng=np.random.default_rng(3))
    return find_faults(measure_motion(seq), view="side")


def rounded(judgement):
    return [f for f in judgement.findings if f.fault == "rounded_back"]


def test_a_back_rounded_past_the_named_flexion_is_found_on_every_rep_by_its_outline():
    findings = rounded(judged("rounded_back_hinge", lumbar_deg=14.0, thoracic_deg=14.0))
    assert [f.rep for f in findings] == [1, 2]
    assert {f.measure for f in findings} == {"back outline"}
    assert all(
        f.value >= limits.BACK_OUTLINE_BEND.value and 0.5 <= f.confidence <= limits.OUTLINE_CONFIDENCE.value
        for f in findings
    )


def test_a_back_rounded_less_than_the_named_flexion_is_not_found():
    assert rounded(judged("rounded_back_hinge", lumbar_deg=6.0, thoracic_deg=6.0)) == []


def test_a_good_hinge_with_its_outline_read_finds_no_rounding_and_does_not_call_the_back_estimated():
    judgement = judged("good_hinge")
    assert rounded(judgement) == []
    assert "rounded_back" in judgement.checked
    assert "lumbar_spine" not in {item.what for item in judgement.not_judged}


def test_without_a_silhouette_the_back_is_estimated_and_the_learner_is_told():
    motion = MOTIONS["good_hinge"](reps=1)
    judgement = find_faults(measure_motion(landmark_sequence(motion, SIDE)), view="side")
    assert any(item.what == "lumbar_spine" and "dowel" in item.why for item in judgement.not_judged)
