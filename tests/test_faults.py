"""Fault rules on synthetic clips made from the body model: each fires on its fault and stays quiet on a good hinge."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from course import thresholds as limits
from course.analysis.faults import FAULT_IDS, RULES, find_faults
from course.analysis.kinematics import measure_motion
from course.landmarks import Camera
from course.motions import MOTIONS
from course.synthetic_landmarks import Dropout, landmark_sequence
from tests.motion_factory import NOISE_PX, from_first_bottom

# Each reference motion and the one fault it must raise on every rep.
EXPECTED = {
    "good_hinge": None,
    "squat": "squat_pattern",
    "knee_dominant_hinge": "squat_pattern",
    "rounded_back_hinge": "rounded_back",
    "locked_knee_hinge": "locked_knees",
    "lean_back_hinge": "lean_back_at_top",
    "neck_cranked_hinge": "neck_cranked",
    "rushed_hinge": "rushed_descent",
    "hips_not_back_hinge": "hips_not_back",
    "hips_rise_first_hinge": "hips_rise_first",
}


def measured(name: str, *, reps: int = 3, side: str = "left", seed: int = 1, **options):
    motion = MOTIONS[name](reps=reps)
    seq = landmark_sequence(
        motion, Camera.side_view(side), noise_px=NOISE_PX, rng=np.random.default_rng(seed), **options
    )
    return measure_motion(seq)


def faults_per_rep(judgement) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for finding in judgement.findings:
        out.setdefault(finding.fault, []).append(finding.rep)
    return out


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_reference_motion_raises_exactly_its_fault_on_every_rep(name, side):
    judgement = find_faults(measured(name, side=side), view="side")
    fault = EXPECTED[name]
    assert faults_per_rep(judgement) == ({} if fault is None else {fault: [1, 2, 3]})


def test_a_clean_hinge_checks_every_rule_and_finds_nothing():
    judgement = find_faults(measured("good_hinge"), view="side")
    assert judgement.findings == ()
    assert judgement.checked == set(FAULT_IDS)


def test_findings_carry_value_threshold_frames_and_confidence():
    (first, *_) = find_faults(measured("locked_knee_hinge"), view="side").findings
    assert first.fault == "locked_knees" and first.rep == 1
    assert first.value <= first.threshold == 5.0 and first.unit == "deg"
    assert 0 < first.start_s < first.end_s
    assert 0.5 <= first.confidence <= 1.0


def test_a_rounded_back_of_15_degrees_is_not_enough_to_flag():
    motion = MOTIONS["rounded_back_hinge"](reps=2, lumbar_deg=8, thoracic_deg=7)
    seq = landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(2))
    assert "rounded_back" not in faults_per_rep(find_faults(measure_motion(seq), view="side"))


def test_hips_that_stay_over_the_heels_while_the_trunk_tips_are_flagged():
    track = measured("good_hinge")
    frozen = dataclasses.replace(track, hip_travel=np.full_like(track.hip_travel, 0.02))
    assert faults_per_rep(find_faults(frozen, view="side")) == {"hips_not_back": [1, 2, 3]}


def test_noise_and_dropped_frames_do_not_invent_faults():
    track = measured("good_hinge", seed=7, drop_fraction=0.1)
    assert faults_per_rep(find_faults(track, view="side")) == {}


def test_a_rep_the_camera_never_saw_is_neither_counted_nor_judged():
    motion = MOTIONS["locked_knee_hinge"](reps=2)
    rep = motion.reps[0]
    hidden = Dropout(rep.start_s, rep.end_s)  # the person is gone for the whole first rep
    seq = landmark_sequence(
        motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(3), dropouts=[hidden]
    )
    track = measure_motion(seq)
    judgement = find_faults(track, view="side")
    assert len(track.reps) == 1
    assert faults_per_rep(judgement) == {"locked_knees": [1]}


@pytest.mark.parametrize("view", ["front", "front-oblique", "rear-oblique", "unknown"])
def test_no_fault_is_judged_from_a_camera_that_is_not_side_on(view):
    judgement = find_faults(measured("squat"), view=view)
    assert judgement.findings == ()
    assert {item.what for item in judgement.not_judged} >= set(FAULT_IDS)


def test_the_lumbar_spine_is_always_named_as_not_judged():
    judgement = find_faults(measured("good_hinge"), view="side")
    assert any(item.what == "lumbar_spine" and "dowel" in item.why for item in judgement.not_judged)


def test_every_fault_has_a_rule_in_priority_order():
    assert tuple(RULES) == FAULT_IDS


def test_a_camera_35_degrees_off_side_on_still_judges_a_squat_but_not_the_back():
    from course.analysis.camera_view import classify_view

    motion = MOTIONS["squat"](reps=2)
    seq = landmark_sequence(motion, Camera(azimuth_deg=55), noise_px=NOISE_PX, rng=np.random.default_rng(4))
    view = classify_view(seq)
    judgement = find_faults(measure_motion(seq), view.view, off_side_deg=abs(90 - view.azimuth_deg))
    assert view.view != "side"
    assert faults_per_rep(judgement) == {"squat_pattern": [1, 2]}
    assert {"rounded_back", "hips_not_back", "lean_back_at_top", "neck_cranked"} <= {
        n.what for n in judgement.not_judged
    }


def test_a_camera_far_from_side_on_judges_nothing():
    judgement = find_faults(measured("squat"), view="front-oblique", off_side_deg=54)
    assert judgement.findings == () and judgement.checked == frozenset()


@pytest.mark.parametrize("descent_s, rushed", [(0.45, True), (0.7, False), (1.5, False)])
def test_a_lowering_is_timed_as_long_as_it_takes_and_only_a_drop_is_rushed(descent_s, rushed):
    """A brisk but controlled 0.7 s lowering is not rushed; 0.45 s is a drop. The measured time
    is the lowering's own, whatever its smooth (minimum-jerk) profile does at the ends."""
    from course.analysis.faults import descent_seconds, rep_phases

    motion = MOTIONS["rushed_hinge"](reps=2, descent_s=descent_s)
    track = measure_motion(landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=1))
    timed = [descent_seconds(track, rep_phases(rep)) for rep in track.reps]
    assert timed == pytest.approx([descent_s] * 2, abs=0.1)
    found = faults_per_rep(find_faults(track, view="side")).get("rushed_descent", [])
    assert found == ([1, 2] if rushed else [])


# --- hips rising first -------------------------------------------------------------------------


def true_trunk_tip(motion, rep) -> float:
    """Degrees the body model's trunk tips further forward on a rep's way up than at its bottom."""
    trunk = motion.trunk_inclination_deg
    return float(trunk[rep.bottom : rep.end + 1].max() - trunk[rep.bottom])


@pytest.mark.parametrize("hips_wait, found", [(0.2, True), (0.15, False)])
def test_hips_rising_first_is_found_at_the_size_its_threshold_names_and_not_below(hips_wait, found):
    motion = MOTIONS["hips_rise_first_hinge"](reps=3, hips_wait=hips_wait)
    limit = limits.HIPS_FIRST_TRUNK_TIP.value
    tips = [true_trunk_tip(motion, rep) for rep in motion.reps]
    # the body model's own sizes: 2 degrees over the threshold, or 3 under it
    assert all(tip >= limit + 2 for tip in tips) if found else all(tip <= limit - 3 for tip in tips)
    seq = landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(5))
    judgement = find_faults(measure_motion(seq), view="side")
    rises = [f for f in judgement.findings if f.fault == "hips_rise_first"]
    assert [f.rep for f in rises] == ([1, 2, 3] if found else [])
    for finding, tip in zip(rises, tips, strict=False):  # no rises when none is expected
        assert finding.value == pytest.approx(tip, abs=2.0) and finding.threshold == limit and finding.unit == "deg"


@pytest.mark.parametrize("start", ["top", "bottom"])
def test_a_squat_shaped_start_whose_hips_shoot_up_is_hips_rising_first_not_a_squat(start):
    """Hips low at the bottom like a squat (knees 90°, hips 105°, shins 23° forward), then the
    knees straighten while the chest stays down: the opposite of a squat, which keeps the chest up."""
    motion = MOTIONS["hips_rise_first_hinge"](reps=3)
    seq = landmark_sequence(motion, Camera.side_view("right"), noise_px=NOISE_PX, rng=np.random.default_rng(6))
    track = measure_motion(seq if start == "top" else from_first_bottom(motion, seq))
    reps = [rep.number for rep in track.reps]
    assert faults_per_rep(find_faults(track, view="side")) == {"hips_rise_first": reps}


def test_the_same_squat_shaped_start_rising_hips_and_chest_together_is_a_squat():
    motion = MOTIONS["hips_rise_first_hinge"](reps=3, hips_wait=0.0)
    seq = landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(7))
    assert faults_per_rep(find_faults(measure_motion(seq), view="side")) == {"squat_pattern": [1, 2, 3]}


def test_hips_rising_first_needs_a_side_view():
    motion = MOTIONS["hips_rise_first_hinge"](reps=2)
    judgement = find_faults(
        measure_motion(landmark_sequence(motion, Camera(azimuth_deg=55), rng=1)), "oblique", off_side_deg=35
    )
    assert "hips_rise_first" not in faults_per_rep(judgement)
    assert any(item.what == "hips_rise_first" for item in judgement.not_judged)


# --- swings and partial reps --------------------------------------------------------------------


def test_swings_are_judged_for_the_back_the_hips_and_the_lockout_and_a_good_set_passes():
    track = measure_motion(
        landmark_sequence(
            MOTIONS["kettlebell_swing"](), Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(8)
        )
    )
    judgement = find_faults(track, view="side")
    assert len(track.reps) == 10
    # tempo is judged per exercise elsewhere: a swing is fast by design
    assert {f.fault for f in judgement.findings} <= {"rushed_descent"}
    for fault in ("rounded_back", "hips_not_back", "lean_back_at_top", "squat_pattern", "hips_rise_first"):
        assert judgement.judged_reps[fault] == frozenset(range(1, 11)), fault


def test_a_swing_that_leans_back_at_the_float_is_flagged_on_every_swing():
    motion = MOTIONS["kettlebell_swing"](float_hip_deg=-15.0)
    track = measure_motion(
        landmark_sequence(motion, Camera.side_view("right"), noise_px=NOISE_PX, rng=np.random.default_rng(9))
    )
    assert faults_per_rep(find_faults(track, view="side"))["lean_back_at_top"] == list(range(1, 11))


def test_a_pull_that_stops_at_the_knees_is_named_as_a_partial_rep_and_not_judged():
    motion = MOTIONS["partial_pull"](reps=2)  # cut: bottom, up to the knees, bottom
    seq = landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(10))
    track = measure_motion(from_first_bottom(motion, seq))
    judgement = find_faults(track, view="side")
    assert track.reps == () and judgement.findings == ()
    (partial,) = [item for item in judgement.not_judged if item.what == "partial_rep"]
    assert "never reached standing tall" in partial.why and "not counted or judged as a rep" in partial.why


# --- where a finding shows ---------------------------------------------------------------------


def test_a_rep_that_starts_at_the_bottom_shows_its_fault_at_that_bottom_not_at_its_lockout():
    # locked knees filmed from the bottom: each rep is bottom -> standing tall -> bottom
    motion = MOTIONS["locked_knee_hinge"](reps=3)
    seq = landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(2))
    track = measure_motion(from_first_bottom(motion, seq))
    assert {rep.kind for rep in track.reps} == {"bottom-start"}
    judged_at_the_bottom = [
        f
        for f in find_faults(track, view="side").findings
        if f.fault in ("squat_pattern", "locked_knees", "hips_not_back", "neck_cranked")
    ]
    assert judged_at_the_bottom
    for finding in judged_at_the_bottom:
        rep = track.reps[finding.rep - 1]
        assert finding.end_s == pytest.approx(track.t_s[rep.bottom_i]), finding
        assert finding.start_s <= finding.end_s < track.t_s[rep.top_i], (
            "never at the lockout, where the lifter stands tall"
        )
