"""The learner's clip replayed on the body model follows the measured angles and stays balanced."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from course.analysis.motion import measure_motion
from course.analysis.replay import FOLD_AT_HIP_MAX, REPLAY_FPS, replay_motion
from course.landmarks import Camera, landmark_sequence
from course.motions import MOTIONS


@pytest.fixture(scope="module")
def track():
    motion = MOTIONS["good_hinge"](reps=2)
    return measure_motion(landmark_sequence(motion, Camera.side_view("right"), noise_px=2, rng=np.random.default_rng(0)))


def test_replay_follows_the_measured_hip_and_knee(track):
    replay = replay_motion(track)
    for name, series in (("hip", track.hip_deg), ("knee", track.knee_deg)):
        measured = np.interp(replay.t_s + track.t_s[0], track.t_s, series)
        assert np.nanmax(np.abs(replay.angle_deg(name) - measured)) < 0.5
    assert replay.t_s[1] - replay.t_s[0] == pytest.approx(1 / REPLAY_FPS)
    assert len(replay.reps) == 2 and replay.title == "You"


def test_every_replayed_frame_keeps_its_centre_of_mass_over_the_feet(track):
    replay = replay_motion(track)
    base = replay.body.base_of_support
    assert all(base.heel_x_m <= frame.com[0] <= base.toe_x_m for frame in replay.frames)


def test_a_fold_deeper_than_the_hips_allow_is_shown_as_a_rounded_lower_back(track):
    deep = dataclasses.replace(track, hip_deg=np.full_like(track.hip_deg, FOLD_AT_HIP_MAX + 20))
    replay = replay_motion(deep)
    assert np.allclose(replay.angle_deg("hip"), FOLD_AT_HIP_MAX)
    assert np.allclose(replay.angle_deg("lumbar"), 20)


def test_a_clip_with_no_measured_angle_cannot_be_replayed(track):
    blank = dataclasses.replace(track, hip_deg=np.full_like(track.hip_deg, np.nan))
    with pytest.raises(ValueError, match="no frame"):
        replay_motion(blank)
