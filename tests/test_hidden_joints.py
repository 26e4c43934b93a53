"""What the camera really saw: a joint MediaPipe places behind a plate or off the picture is a
guess, and the rules drawn through it are not judged where it was hidden for most of a rep."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from course.analysis.faults import find_faults, hidden_points
from course.analysis.kinematics import measure_motion, on_silhouette
from course.analysis.pose import TORSO, TrackedSequence, person_frames, silhouette_at
from course.landmarks import Camera
from course.landmarks import Landmark as L
from course.motions import MOTIONS
from course.synthetic_landmarks import Occlusion, landmark_sequence

NOISE_PX = 2.0
LEGS = (L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)
GUESS_PX = 40.0  # MediaPipe's guess for a hidden knee lands a few centimetres off at 3 m


def filmed(motion_name: str = "good_hinge", *, occlusions=(), seed: int = 3):
    motion = MOTIONS[motion_name](reps=3)
    return landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=seed, occlusions=occlusions)


@pytest.fixture(scope="module")
def rep_times() -> list[tuple[float, float, float]]:
    """(start, bottom, end) seconds of each rep of the clean hinge."""
    return [(r.start_s, r.bottom_s, r.end_s) for r in measure_motion(filmed()).reps]


def test_an_occlusion_leaves_the_guess_with_high_visibility_but_off_the_silhouette(rep_times):
    start, _, end = rep_times[1]
    clean = filmed()
    covered = filmed(occlusions=[Occlusion(start, end, LEGS, guess_error_px=GUESS_PX)])
    during = (clean.t_s >= start) & (clean.t_s <= end)
    assert clean.in_person is None, "no occlusion, no mask: every point counts as on the silhouette"
    assert covered.in_person[np.ix_(during, list(LEGS))].max() == 0.0
    assert covered.in_person[np.ix_(~during, list(LEGS))].min() == 1.0
    assert covered.visibility[np.ix_(during, list(LEGS))].min() == pytest.approx(0.9)
    moved = np.linalg.norm(covered.image_px()[during][:, list(LEGS)] - clean.image_px()[during][:, list(LEGS)], axis=-1)
    assert np.median(moved) == pytest.approx(GUESS_PX, abs=3 * NOISE_PX)
    assert not on_silhouette(covered)[np.ix_(during, list(LEGS))].any()


def test_ankles_hidden_for_a_whole_rep_make_its_leg_rules_not_judged_and_say_what_hid(rep_times):
    start, _, end = rep_times[1]
    ankles = (L.LEFT_ANKLE, L.RIGHT_ANKLE)
    track = measure_motion(filmed(occlusions=[Occlusion(start, end, ankles, guess_error_px=GUESS_PX)]))
    judgement = find_faults(track, view="side")
    assert [hidden_points(track, rep) for rep in track.reps] == [(), ("ankle",), ()]
    reasons = {item.what: item.why for item in judgement.not_judged if item.rep == 2}
    for fault in ("squat_pattern", "locked_knees", "hips_not_back", "rounded_back"):
        assert judgement.judged_reps[fault] == {1, 3}, fault
        assert reasons[fault] == "Something hid your ankles for most of rep 2."
    for fault in ("lean_back_at_top", "rushed_descent", "neck_cranked"):
        assert judgement.judged_reps[fault] == {1, 2, 3}, f"{fault} is drawn through points that were seen"
    assert judgement.findings == ()


def test_knees_hidden_for_a_whole_rep_leave_no_hip_angle_and_the_rep_is_not_judged(rep_times):
    start, _, end = rep_times[1]
    knees = (L.LEFT_KNEE, L.RIGHT_KNEE)
    judgement = find_faults(
        measure_motion(filmed(occlusions=[Occlusion(start, end, knees, guess_error_px=GUESS_PX)])), view="side"
    )
    assert all(reps == {1, 3} for reps in judgement.judged_reps.values())
    assert [item.why for item in judgement.not_judged if item.rep == 2] == [
        "Something hid your knees at the bottom of rep 2, so it was not judged."
    ]


def test_a_rep_whose_legs_were_hidden_is_not_judged_and_the_reason_names_them(rep_times):
    start, _, end = rep_times[1]
    track = measure_motion(filmed(occlusions=[Occlusion(start, end, LEGS, guess_error_px=GUESS_PX)]))
    judgement = find_faults(track, view="side")
    assert hidden_points(track, track.reps[1]) == ("knee", "ankle")
    assert all(2 not in reps for reps in judgement.judged_reps.values())
    assert [item.why for item in judgement.not_judged if item.rep == 2] == [
        "Something hid your knees and ankles for most of rep 2, so it was not judged."
    ]
    assert judgement.findings == ()


def test_the_same_guesses_without_a_silhouette_would_have_been_judged(rep_times):
    start, _, end = rep_times[1]
    covered = filmed(occlusions=[Occlusion(start, end, LEGS, guess_error_px=GUESS_PX)])
    blind = dataclasses.replace(covered, in_person=None)
    assert 2 in find_faults(measure_motion(blind), view="side").judged_reps["squat_pattern"]


def test_a_plate_passing_the_shins_only_at_the_bottom_is_bridged(rep_times):
    covers = [
        Occlusion(bottom - 0.1, bottom + 0.1, (L.LEFT_ANKLE, L.RIGHT_ANKLE), guess_error_px=GUESS_PX)
        for _, bottom, _ in rep_times
    ]
    track = measure_motion(filmed(occlusions=covers))
    judgement = find_faults(track, view="side")
    assert [hidden_points(track, rep) for rep in track.reps] == [(), (), ()]
    assert judgement.judged_reps["squat_pattern"] == {1, 2, 3}
    assert judgement.findings == ()


def test_a_head_hidden_behind_plates_is_not_judged_for_the_neck_but_the_fold_still_is(rep_times):
    covers = [Occlusion(0.0, rep_times[-1][2], (L.LEFT_EAR, L.RIGHT_EAR, L.NOSE), guess_error_px=GUESS_PX)]
    track = measure_motion(filmed("neck_cranked_hinge", occlusions=covers))
    judgement = find_faults(track, view="side")
    assert "neck_cranked" not in judgement.judged_reps
    assert (
        next(item.why for item in judgement.not_judged if item.what == "neck_cranked")
        == "Something hid your head for most of rep 1."
    )
    assert judgement.judged_reps["rounded_back"] == {1, 2, 3}
    assert judgement.findings == ()


def test_silhouette_at_reads_the_mask_near_each_point_and_zero_off_the_picture():
    mask = np.zeros((100, 200), np.float32)
    mask[20:80, 50:90] = 0.9
    points = np.array(
        [[70 / 200, 50 / 100], [(90 + 1) / 200, 50 / 100], [150 / 200, 50 / 100], [1.2, 0.5], [np.nan, 0.5]]
    )
    assert silhouette_at(mask, points).tolist() == pytest.approx([0.9, 0.9, 0.0, 0.0, 0.0])


def test_a_tracked_body_whose_torso_is_off_any_silhouette_is_no_person():
    seq = filmed()
    n = len(seq)
    on = np.ones((n, 33))
    off = on.copy()
    off[: n // 2][:, list(TORSO)] = 0.0  # a skeleton drawn on rocks: found, but nobody's silhouette
    as_tracked = TrackedSequence(
        t_s=seq.t_s,
        image=seq.image,
        world=seq.world,
        visibility=seq.visibility,
        width_px=seq.width_px,
        height_px=seq.height_px,
        in_person=off,
    )
    assert person_frames(dataclasses.replace(as_tracked, in_person=on)).all()
    found = person_frames(as_tracked)
    assert not found[: n // 2].any() and found[n // 2 :].all()
