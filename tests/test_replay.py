"""The learner's clip replayed on the body model follows the measured angles and stays balanced."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from course.analysis.kinematics import measure_motion
from course.analysis.replay import FOLD_AT_HIP_MAX, HIP_RANGE_MAX, REPLAY_FPS, reference_hinge, replay_motion
from course.analysis.report import FaultReport
from course.body import JOINT_LIMITS, Body, JointLimitError, Pose
from course.landmarks import Camera
from course.motions import MOTIONS
from course.synthetic_landmarks import landmark_sequence


@pytest.fixture(scope="module")
def track():
    motion = MOTIONS["good_hinge"](reps=2)
    return measure_motion(
        landmark_sequence(motion, Camera.side_view("right"), noise_px=2, rng=np.random.default_rng(0))
    )


def test_replay_follows_the_measured_hip_and_knee(track):
    replay = replay_motion(track).motion
    for name, series in (("hip", track.hip_deg), ("knee", track.knee_deg)):
        measured = np.interp(replay.t_s + track.t_s[0], track.t_s, series)
        assert np.nanmax(np.abs(replay.angle_deg(name) - measured)) < 0.5
    assert replay.t_s[1] - replay.t_s[0] == pytest.approx(1 / REPLAY_FPS)
    assert len(replay.reps) == 2 and replay.title == "You"


def test_every_replayed_frame_keeps_its_centre_of_mass_over_the_feet(track):
    replay = replay_motion(track).motion
    base = replay.body.base_of_support
    assert all(base.heel_x_m <= frame.com[0] <= base.toe_x_m for frame in replay.frames)


def found(fault: str, rep: int) -> FaultReport:
    return FaultReport(
        id=fault, rep=rep, confidence=0.6, start_s=0.0, end_s=0.0, value=0.0, threshold=0.0, unit="deg", measure=""
    )


def in_rep(replay, track, number: int) -> np.ndarray:
    rep = track.reps[number - 1]
    t = replay.t_s + track.t_s[0]
    return (t >= track.t_s[rep.start_i]) & (t <= track.t_s[rep.end_i])


def test_a_rep_found_rounded_shows_the_fold_beyond_the_hips_as_a_rounded_lower_back(track):
    deep = dataclasses.replace(track, hip_deg=np.full_like(track.hip_deg, FOLD_AT_HIP_MAX + 12))
    replay = replay_motion(deep, found=[found("rounded_back", 2)]).motion
    rounded = in_rep(replay, track, 2)
    assert np.allclose(replay.angle_deg("hip")[rounded], FOLD_AT_HIP_MAX)
    assert np.allclose(replay.angle_deg("lumbar")[rounded], 12)
    assert np.allclose(replay.angle_deg("lumbar")[~rounded], 0), "a rep not found rounded keeps a flat back"
    assert np.allclose(replay.angle_deg("hip")[~rounded], FOLD_AT_HIP_MAX + 12)


def test_only_a_fold_beyond_the_hips_own_range_rounds_a_back_the_report_did_not_fault(track):
    deep = dataclasses.replace(track, hip_deg=np.full_like(track.hip_deg, HIP_RANGE_MAX + 5))
    replay = replay_motion(deep).motion
    assert np.allclose(replay.angle_deg("hip"), HIP_RANGE_MAX)
    assert np.allclose(replay.angle_deg("lumbar"), 5)


def test_the_head_bends_back_only_in_a_rep_found_with_the_neck_cranked(track):
    looking_up = dataclasses.replace(track, neck_deg=np.full_like(track.neck_deg, -35.0))
    assert np.allclose(replay_motion(looking_up).motion.angle_deg("neck"), 0)
    replay = replay_motion(looking_up, found=[found("neck_cranked", 1)]).motion
    cranked = in_rep(replay, track, 1)
    assert np.allclose(replay.angle_deg("neck")[cranked], -35.0)
    assert np.allclose(replay.angle_deg("neck")[~cranked], 0)


def test_the_reference_hinge_reaches_each_bottom_with_the_learner(track):
    reference = reference_hinge(track)
    assert len(reference.reps) == len(track.reps)
    for mine, theirs in zip(track.reps, reference.reps, strict=True):
        assert theirs.bottom_s == pytest.approx(track.t_s[mine.bottom_i] - track.t_s[0], abs=0.35)


def test_the_reference_keeps_pace_with_quick_reps_but_never_drops(track):
    quick = dataclasses.replace(track, t_s=(track.t_s - track.t_s[0]) * 0.6)
    reference = reference_hinge(quick)
    bottoms = [quick.t_s[rep.bottom_i] for rep in quick.reps]
    assert reference.reps[1].bottom_s - reference.reps[0].bottom_s == pytest.approx(bottoms[1] - bottoms[0], abs=0.35)
    for rep in reference.reps:
        assert rep.bottom_s - rep.start_s >= 0.8 - 1e-6


def test_a_fitting_clip_holds_no_angle_at_the_models_limits(track):
    assert replay_motion(track).beyond_model == ()


def test_a_pose_whose_arms_fit_only_once_balanced_is_replayed_with_plumb_arms(track):
    # Knees 81 degrees, hips 10: before the shins tilt, plumb arms would need shoulder flexion
    # -71 degrees, which the body model refuses; balanced, the shins tilt forward and -36 is enough.
    with pytest.raises(JointLimitError, match=r"shoulder flexion -71\.0"):
        Body().balance(Pose(knee=81.0, hip=10.0), hang_arms=True)
    sitting_back = dataclasses.replace(
        track, hip_deg=np.full_like(track.hip_deg, 10.0), knee_deg=np.full_like(track.knee_deg, 81.0)
    )
    replay = replay_motion(sitting_back)
    assert replay.beyond_model == ()
    motion = replay.motion
    upper_back_lean = motion.angle_deg("ankle") - motion.angle_deg("knee") + motion.angle_deg("hip")
    assert np.allclose(motion.angle_deg("shoulder"), upper_back_lean, atol=0.5), "the arms hang plumb"


def test_a_trunk_leaning_back_past_the_shoulders_range_is_drawn_at_its_limit_and_named(track):
    # Knees bent 140 degrees with the hips nearly open: the trunk tips so far back that arms
    # hanging plumb would need the shoulder far past its 60 degrees of extension.
    leaning = dataclasses.replace(
        track, hip_deg=np.full_like(track.hip_deg, 10.0), knee_deg=np.full_like(track.knee_deg, 140.0)
    )
    replay = replay_motion(leaning)
    shoulder = JOINT_LIMITS["shoulder"]
    assert len(replay.motion) > 0
    assert np.all(replay.motion.angle_deg("shoulder") >= shoulder.low_deg)
    [beyond] = replay.beyond_model
    assert (beyond.angle, beyond.label, beyond.limit_deg) == ("shoulder", "shoulder flexion", shoulder.low_deg)
    assert beyond.asked_deg < shoulder.low_deg


def test_a_measured_angle_past_a_joints_range_is_held_at_the_range_and_its_furthest_value_kept(track):
    knee = JOINT_LIMITS["knee"]
    bent = track.knee_deg.copy()
    bent[len(bent) // 2] = knee.high_deg + 8
    bent[len(bent) // 3] = knee.high_deg + 3
    replay = replay_motion(dataclasses.replace(track, knee_deg=bent))
    assert replay.motion.angle_deg("knee").max() <= knee.high_deg
    beyond = {b.angle: b for b in replay.beyond_model}
    assert beyond["knee"].asked_deg == pytest.approx(knee.high_deg + 8)
    assert beyond["knee"].limit_deg == knee.high_deg


def test_a_clip_with_no_measured_angle_cannot_be_replayed(track):
    blank = dataclasses.replace(track, hip_deg=np.full_like(track.hip_deg, np.nan))
    with pytest.raises(ValueError, match="no frame"):
        replay_motion(blank)


def test_the_reference_meets_a_first_bottom_that_comes_early_in_the_clip():
    early = MOTIONS["good_hinge"](reps=1, setup_s=0.0, pause_top_s=0.1, descent_s=0.9)
    track = measure_motion(
        landmark_sequence(early, Camera.side_view("right"), noise_px=1, rng=np.random.default_rng(1))
    )
    bottom = track.t_s[track.reps[0].bottom_i] - track.t_s[0]
    assert bottom < 1.5
    reference = reference_hinge(track)
    assert reference.reps[0].bottom_s == pytest.approx(bottom, abs=0.2)
    assert reference.angle_deg("hip")[round(bottom * reference.fps)] > 60, "the reference is at its bottom too"
