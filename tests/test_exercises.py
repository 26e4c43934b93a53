"""What the learner says they filmed: each exercise's tempo and the sentence when the movement does not match."""

from __future__ import annotations

import numpy as np
import pytest

from course import thresholds as limits
from course.analysis.exercises import EXERCISES, NOT_SURE
from course.analysis.faults import descent_seconds, find_faults, rep_phases
from course.analysis.kinematics import measure_motion
from course.analysis.report import build_report, report_from_json
from course.content import load_course
from course.landmarks import Camera
from course.motions import MOTIONS
from course.synthetic_landmarks import landmark_sequence
from tests.motion_factory import NOISE_PX, from_first_bottom

CONTROLLED_LOWERING = ("hinge_drill", "romanian_deadlift", "good_morning", "single_leg_rdl", NOT_SURE)


def tracked(motion, seed: int = 1, *, from_bottom: bool = False):
    seq = landmark_sequence(motion, Camera.side_view("left"), noise_px=NOISE_PX, rng=np.random.default_rng(seed))
    return measure_motion(from_first_bottom(motion, seq) if from_bottom else seq)


def rushed_reps(track, exercise: str) -> list[int]:
    return [f.rep for f in find_faults(track, view="side", exercise=exercise).findings if f.fault == "rushed_descent"]


def floor_deadlift(descent_s: float, reps: int = 2):
    """A pull from the floor (knees 65°, hips 110° at the bottom; hips and chest rise together)
    whose lowering takes descent_s."""
    return MOTIONS["hips_rise_first_hinge"](reps=reps, hips_wait=0.0, knee_deg=65.0, hip_deg=110.0, descent_s=descent_s)


def report_for(track, exercise: str):
    return build_report(
        track, find_faults(track, view="side", exercise=exercise), load_course().cues, view="side", people=1
    )


@pytest.mark.parametrize("exercise", CONTROLLED_LOWERING)
@pytest.mark.parametrize("descent_s, rushed", [(0.45, True), (0.8, False)])
def test_a_hinge_meant_to_be_lowered_under_control_is_rushed_below_its_limit_and_not_above(exercise, descent_s, rushed):
    track = tracked(MOTIONS["rushed_hinge"](reps=2, descent_s=descent_s))
    assert EXERCISES[exercise].lowering is limits.RUSHED_DESCENT
    assert rushed_reps(track, exercise) == ([1, 2] if rushed else [])


@pytest.mark.parametrize("descent_s, rushed", [(0.3, True), (0.45, False), (0.7, False)])
def test_a_brisk_kettlebell_deadlift_is_fine_and_only_a_drop_is_rushed(descent_s, rushed):
    track = tracked(MOTIONS["rushed_hinge"](reps=2, descent_s=descent_s))
    timed = [descent_seconds(track, rep_phases(rep)) for rep in track.reps]
    assert timed == pytest.approx([descent_s] * 2, abs=0.1)
    assert rushed_reps(track, "kettlebell_deadlift") == ([1, 2] if rushed else [])


@pytest.mark.parametrize("descent_s", [0.3, 0.5, 1.5])
def test_a_deadlift_from_the_floor_is_never_timed_however_quick_its_lowering(descent_s):
    track = tracked(floor_deadlift(descent_s))
    judgement = find_faults(track, view="side", exercise="floor_deadlift")
    assert judgement.mismatch == "" and judgement.judged_as.id == "floor_deadlift"
    assert "rushed_descent" not in {f.fault for f in judgement.findings}
    assert "rushed_descent" not in judgement.checked  # not judged at all, so never praised either


@pytest.mark.parametrize("exercise", ["kettlebell_swing", NOT_SURE, "romanian_deadlift"])
@pytest.mark.parametrize("rep_s", [0.8, 1.2])
def test_swings_get_no_tempo_finding_at_any_speed_whatever_was_chosen(exercise, rep_s):
    track = tracked(MOTIONS["kettlebell_swing"](rep_s=rep_s), seed=8)
    assert len(track.reps) == 10
    assert rushed_reps(track, exercise) == []


@pytest.mark.parametrize("exercise", [NOT_SURE, "romanian_deadlift"])
def test_a_rep_that_starts_at_the_bottom_has_no_lowering_to_judge(exercise):
    """Cut from the first bottom: each rep is lifted first and then put down (0.3 s, a drop)."""
    track = tracked(floor_deadlift(0.3, reps=3), from_bottom=True)
    assert track.reps and {rep.kind for rep in track.reps} == {"bottom-start"}
    assert rushed_reps(track, exercise) == []


def test_not_sure_times_a_lowering_from_standing_as_before():
    track = tracked(MOTIONS["rushed_hinge"](reps=2, descent_s=0.45))
    assert rushed_reps(track, NOT_SURE) == rushed_reps(track, "romanian_deadlift") == [1, 2]
    assert find_faults(track, view="side").findings == find_faults(track, view="side", exercise=NOT_SURE).findings


def test_a_romanian_deadlift_that_is_a_squat_is_told_so_first():
    report = report_for(tracked(MOTIONS["squat"](reps=3)), "romanian_deadlift")
    assert report.mismatch == "You chose a Romanian deadlift; this looks like a squat."
    assert report.message.startswith(report.mismatch + " In 3 reps your knees did as much work as your hips")
    assert report.verdict == "Looks like a squat" and report.set_words == "Romanian deadlift, 3 reps"


def test_not_sure_says_no_mismatch_and_names_no_exercise():
    report = report_for(tracked(MOTIONS["squat"](reps=3)), NOT_SURE)
    assert report.mismatch == "" and report.message.startswith("In 3 reps")
    assert report.set_words == "3 reps" and report.rep_label(2) == "Rep 2 of 3"


def test_slow_reps_chosen_as_swings_are_told_so_and_judged_as_the_hinge_they_are():
    track = tracked(MOTIONS["rushed_hinge"](reps=2, descent_s=0.45))
    report = report_for(track, "kettlebell_swing")
    assert report.mismatch.startswith("You chose a kettlebell swing; these look like slow deadlifts")
    assert report.judged_as == NOT_SURE and [f.id for f in report.faults] == ["rushed_descent"] * 2


def test_swings_chosen_as_a_romanian_deadlift_are_judged_as_swings():
    report = report_for(tracked(MOTIONS["kettlebell_swing"](), seed=8), "romanian_deadlift")
    assert report.mismatch.startswith("You chose a Romanian deadlift; these look like kettlebell swings")
    assert report.judged_as == "kettlebell_swing" and report.message.startswith(report.mismatch)


def test_a_floor_deadlift_whose_knees_hardly_bent_never_took_the_weight_below_the_knees():
    report = report_for(tracked(MOTIONS["rushed_hinge"](reps=2, descent_s=0.45)), "floor_deadlift")
    assert "the weight never went below your knees" in report.mismatch
    assert report.judged_as == "romanian_deadlift" and [f.id for f in report.faults] == ["rushed_descent"] * 2


def test_the_chosen_exercise_and_its_mismatch_survive_the_json_round_trip():
    report = report_for(tracked(MOTIONS["good_hinge"](reps=2)), "kettlebell_deadlift")
    assert report.set_words == "Kettlebell deadlift, 2 reps" and report.mismatch == ""
    assert report.rep_label(1) == "Kettlebell deadlift, rep 1 of 2"
    again = report_from_json(report.to_json())
    assert (again.exercise, again.judged_as, again.set_words) == (
        "kettlebell_deadlift",
        "kettlebell_deadlift",
        report.set_words,
    )


def test_every_exercise_states_its_knee_band_and_tempo_with_their_sources():
    for exercise in EXERCISES.values():
        if exercise.id == NOT_SURE:
            continue
        assert exercise.sources and exercise.knees is not None and exercise.knees.source and exercise.knees.why
        assert exercise.knees.low < exercise.knees.high
        assert (exercise.lowering is None) == bool(exercise.no_tempo_why)
        assert exercise.lowering is None or (exercise.lowering.why and exercise.lowering.source)


def test_a_check_that_has_no_meaning_for_the_exercise_is_not_counted_as_one_that_could_not_be_made():
    """A good set of swings has no tempo to judge: nothing is missing from it, so it is a solid
    hinge, not 'nothing to fix in what we could see'."""
    track = tracked(MOTIONS["kettlebell_swing"](rep_s=1.0), seed=8)
    judgement = find_faults(track, view="side", exercise="kettlebell_swing")
    assert judgement.not_applicable == {"rushed_descent"}
    report = report_for(track, "kettlebell_swing")
    assert "could not be made" not in report.message
    timed = find_faults(tracked(MOTIONS["good_hinge"](reps=2)), view="side", exercise="romanian_deadlift")
    assert timed.not_applicable == frozenset() and "rushed_descent" in timed.checked
