"""Shots: a clip cut together from several is split at its cuts and at tracking jumps, and the
longest stretch filmed in one go is judged."""

from __future__ import annotations

import numpy as np
import pytest

from course.analysis.kinematics import measure_motion
from course.analysis.pose import TrackedSequence, person_frames
from course.analysis.problems import CutIntoPieces
from course.analysis.shots import pick_shot, split_shots
from course.landmarks import Camera
from course.motions import MOTIONS
from course.synthetic_landmarks import landmark_sequence


def tracked(
    *, change_at: tuple[int, ...] = (), shift_from: int | None = None, shift_px: float = 0.0
) -> TrackedSequence:
    """Three good hinges filmed side-on, as the tracker returns them, with picture cuts at the
    rows `change_at` and the body moved `shift_px` to the right from row `shift_from` on."""
    seq = landmark_sequence(MOTIONS["good_hinge"](reps=3), Camera.side_view("left"), noise_px=1.0, rng=5)
    image = np.array(seq.image)
    if shift_from is not None:
        image[shift_from:, :, 0] += shift_px / seq.width_px
    change = np.zeros(len(seq))
    change[[row for row in change_at if row < len(seq)]] = 90.0
    return TrackedSequence(
        t_s=seq.t_s,
        image=image,
        world=seq.world,
        visibility=seq.visibility,
        width_px=seq.width_px,
        height_px=seq.height_px,
        change=change,
    )


def test_a_clip_in_one_go_is_one_shot_and_left_as_it_is():
    seq = tracked()
    assert len(split_shots(seq)) == 1
    assert pick_shot(seq) == (seq, None)


def test_a_cut_splits_the_clip_and_the_longer_shot_is_judged_and_named():
    seq = tracked(change_at=(150,))  # 5.0 s: between the first rep and the second
    shots = split_shots(seq)
    assert [(s.start, s.end) for s in shots] == [(0, 149), (150, len(seq) - 1)]
    kept, note = pick_shot(seq)
    found = person_frames(kept)
    assert not found[:150].any() and found[150:].all(), "the rows still match the clip's frames"
    assert note == (
        f"Your clip changes shot 1 time; we judged the longest part filmed in one go "
        f"({seq.t_s[150]:.1f} to {seq.t_s[-1]:.1f} s) and left out the rest."
    )
    assert len(measure_motion(kept).reps) == 2, "the first rep was in the shot left out"


def test_the_tracker_jumping_to_someone_else_is_a_new_shot():
    seq = tracked(shift_from=300, shift_px=400.0)
    assert [s.start for s in split_shots(seq)] == [0, 300]


def test_a_lifter_moving_fast_is_not_a_jump():
    seq = tracked(shift_from=300, shift_px=20.0)
    assert len(split_shots(seq)) == 1


def test_a_montage_of_short_pieces_asks_for_one_continuous_clip():
    seq = tracked(change_at=tuple(range(15, 2000, 15)))
    with pytest.raises(CutIntoPieces, match="one continuous clip"):
        pick_shot(seq)


def test_walking_into_place_is_left_out_and_said():
    from course.analysis.shots import settled

    seq = tracked()
    walk = seq.t_s < 2.0  # walking in from 600 px to the left, then the set (first rep at 1.5 s)
    image = np.array(seq.image)
    image[walk, :, 0] -= (600.0 * (2.0 - seq.t_s[walk]) / 2.0)[:, None] / seq.width_px
    walked_in = TrackedSequence(
        t_s=seq.t_s,
        image=image,
        world=seq.world,
        visibility=seq.visibility,
        width_px=seq.width_px,
        height_px=seq.height_px,
    )
    kept, note = settled(walked_in)
    found = person_frames(kept)
    first = int(np.argmax(found))
    assert 1.0 < seq.t_s[first] < 2.0 and found[first:].all()
    assert note == f"We left out the first {seq.t_s[first]:.1f} s, where you walked into place."
    assert settled(seq) == (seq, None), "a set filmed from its start loses nothing"


def test_feet_hidden_at_the_ends_are_not_a_walk():
    """A barbell's plate hides the feet with the bar on the floor, at the start and the end of a
    deadlift: that is not walking in or away, and nothing is left out."""
    from course.analysis.shots import settled
    from course.landmarks import Landmark as L

    seq = tracked()
    visibility = np.array(seq.visibility)
    ends = (seq.t_s < 1.0) | (seq.t_s > seq.t_s[-1] - 1.0)
    visibility[np.ix_(ends, [L.LEFT_ANKLE, L.RIGHT_ANKLE])] = 0.0
    hidden = TrackedSequence(
        t_s=seq.t_s,
        image=seq.image,
        world=seq.world,
        visibility=visibility,
        width_px=seq.width_px,
        height_px=seq.height_px,
    )
    assert settled(hidden) == (hidden, None)
