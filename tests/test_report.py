"""The report: verdicts a beginner understands, one cue per rep at most, and a JSON contract that holds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from course.analysis.faults import find_faults
from course.analysis.kinematics import measure_motion
from course.analysis.report import MAX_WENT_WELL, build_report, refused
from course.content import load_course
from course.landmarks import Camera
from course.motions import MOTIONS
from course.synthetic_landmarks import landmark_sequence
from tests.motion_factory import report_for

CONTRACT_KEYS = {
    "schema",
    "outcome",
    "verdict",
    "message",
    "view",
    "people",
    "reps",
    "faults",
    "cues",
    "went_well",
    "not_judged",
    "series",
    "timings",
    "clip",
    "problem",
    "notes",
    "exercise",
    "judged_as",
    "mismatch",
}


@pytest.fixture(scope="module")
def cues():
    return load_course().cues


def test_every_fault_has_a_cue_in_the_content(cues):
    from course.analysis.faults import FAULT_IDS

    assert set(cues) == set(FAULT_IDS)


def test_a_clean_hinge_is_a_solid_hinge_with_praise_and_no_cues(cues):
    report = report_for("good_hinge", cues)
    assert (report.outcome, report.verdict) == ("judged", "Solid hinge")
    assert report.cues == () and report.faults == ()
    assert 0 < len(report.went_well) <= MAX_WENT_WELL


def test_a_squat_is_called_a_squat(cues):
    report = report_for("squat", cues)
    assert report.verdict == "Looks like a squat"
    assert [cue.fault for cue in report.cues] == ["squat_pattern"]
    assert report.cues[0].reps == (1, 2, 3)


def test_a_squat_is_not_praised_for_soft_knees_or_hips_that_travelled_back(cues):
    report = report_for("squat", cues)
    praise = set(report.went_well)
    assert cues["locked_knees"].went_well not in praise
    assert cues["hips_not_back"].went_well not in praise


def test_a_verdict_with_several_faults_leads_with_the_most_important_and_praises_none_of_them(cues):
    import dataclasses

    from course.analysis.faults import Finding

    motion = MOTIONS["good_hinge"](reps=2)
    track = measure_motion(
        landmark_sequence(motion, Camera.side_view("right"), noise_px=2.0, rng=np.random.default_rng(5))
    )
    judgement = find_faults(track, "side")
    neck = Finding("neck_cranked", 1, 1.0, 1.5, -40.0, -25.0, "deg", 0.9)
    back = Finding("rounded_back", 2, 4.0, 4.5, 15.0, 8.0, "deg", 0.8, measure="back outline")
    report = build_report(track, dataclasses.replace(judgement, findings=(neck, back)), cues, view="side", people=1)
    assert report.verdict == "2 things to fix, first: your back rounded"
    assert [cue.fault for cue in report.cues] == ["rounded_back", "neck_cranked"]
    assert cues["rounded_back"].went_well not in report.went_well
    assert cues["neck_cranked"].went_well not in report.went_well
    assert "seen on your silhouette" in report.cues[0].seen


def test_hips_rising_first_gets_its_cue_and_no_praise_for_a_hip_led_movement(cues):
    report = report_for("hips_rise_first_hinge", cues)
    assert [cue.fault for cue in report.cues] == ["hips_rise_first"]
    (cue,) = report.cues
    assert cue.reps == (1, 2, 3) and cue.figure == "mistake-hips-rise-first"
    assert "knees straightened first" in cue.seen and "{value}" not in cue.seen
    assert cues["squat_pattern"].went_well not in report.went_well


def test_a_pull_that_never_stands_up_is_named_in_what_was_not_judged_and_not_counted(cues):
    from course.analysis.presenting import not_judged_lines
    from course.landmarks import LandmarkSequence

    motion = MOTIONS["partial_pull"](reps=2)
    seq = landmark_sequence(motion, Camera.side_view("left"), noise_px=2.0, rng=np.random.default_rng(6))
    keep = np.arange(motion.reps[0].bottom, motion.reps[-1].bottom + 1)  # bottom, knees, bottom
    seq = LandmarkSequence(
        t_s=seq.t_s[keep] - seq.t_s[keep[0]],
        image=seq.image[keep],
        world=seq.world[keep],
        visibility=seq.visibility[keep],
        width_px=seq.width_px,
        height_px=seq.height_px,
    )
    track = measure_motion(seq)
    report = build_report(track, find_faults(track), cues, view="side", people=1)
    assert report.reps == () and report.faults == () and report.cues == ()
    assert any("never reached standing tall" in line for line in not_judged_lines(report, cues))


def test_one_fault_gives_one_cue_that_links_to_its_lesson_and_figure(cues):
    report = report_for("locked_knee_hinge", cues)
    assert report.verdict == "One thing to fix: your knees locked straight"
    (cue,) = report.cues
    assert (cue.lesson_id, cue.section, cue.figure) == ("common-mistakes", "1. Locked knees", "mistake-locked-knees")
    assert "{value}" not in cue.seen and "°" in cue.seen


def test_a_rep_with_two_faults_gets_only_its_most_important_cue(cues):
    # a rounded back that is also rushed: the back comes first
    report = report_for("rounded_back_hinge", cues, descent_s=0.4, pause_bottom_s=0.0)
    faults_on_rep_1 = report.reps[0].faults
    assert faults_on_rep_1[0] == "rounded_back" and "rushed_descent" in faults_on_rep_1
    assert [cue.fault for cue in report.cues] == ["rounded_back"]


def test_reps_carry_angles_with_an_honest_uncertainty(cues):
    report = report_for("good_hinge", cues)
    rep = report.reps[0]
    assert 75 <= rep.hip.degrees <= 95 and rep.hip.plus_minus >= 5
    assert 10 <= rep.knee.degrees <= 25
    assert rep.start_s < rep.bottom_s < rep.end_s


def test_a_camera_in_front_gives_a_partial_report_that_says_what_to_do(cues):
    report = report_for("good_hinge", cues, view="front")
    assert report.outcome == "partial"
    assert report.verdict == "Could not judge fully: camera in front of you"
    assert "side-on" in report.message and report.faults == ()


def test_json_has_the_contract_keys_and_survives_a_round_trip(cues):
    data = report_for("locked_knee_hinge", cues).to_json()
    assert set(data) == CONTRACT_KEYS
    again = json.loads(json.dumps(data))
    assert again["faults"][0]["id"] == "locked_knees" and again["faults"][0]["rep"] == 1
    assert 0 < again["faults"][0]["confidence"] <= 1
    assert again["timings"] == {"pose": 1.235}
    assert len(again["series"]["t_s"]) == len(again["series"]["hip_deg"]) > 10


def test_a_refused_clip_still_gives_a_complete_json_report():
    data = refused("This file is not a video.", "not_a_video").to_json()
    assert set(data) == CONTRACT_KEYS
    assert (data["outcome"], data["problem"], data["reps"]) == ("refused", "not_a_video", [])


@pytest.mark.parametrize("name", ["good_hinge", "squat", "rounded_back_hinge"])
def test_a_stored_report_reads_back_as_the_same_report(cues, name):
    import json

    from course.analysis.report import report_from_json

    report = report_for(name, cues)
    stored = json.loads(json.dumps(report.to_json()))
    again = report_from_json(stored)
    assert again.to_json() == report.to_json()
    assert again.reps[0].hip.degrees == report.reps[0].hip.degrees


def _judged_with(report_track, rules_on_reps):
    """A good hinge's judgement, as if each rule had run only on the given reps."""
    import dataclasses

    from course.analysis.faults import FAULT_IDS, NotJudged

    _track, judgement = report_track
    judged = {fault: frozenset(rules_on_reps.get(fault, ())) for fault in FAULT_IDS}
    not_judged = tuple(
        NotJudged(fault, f"Your knee was hidden in rep {rep}.", rep)
        for fault in FAULT_IDS
        for rep in (1, 2, 3)
        if rep not in judged[fault]
    )
    return dataclasses.replace(
        judgement,
        judged_reps={f: reps for f, reps in judged.items() if reps},
        checked=frozenset(f for f, reps in judged.items() if reps),
        not_judged=not_judged,
    )


@pytest.fixture(scope="module")
def good_track():
    seq = landmark_sequence(
        MOTIONS["good_hinge"](reps=3), Camera.side_view("right"), noise_px=2.0, rng=np.random.default_rng(5)
    )
    track = measure_motion(seq)
    return track, find_faults(track, "side")


def test_a_side_view_that_judged_nothing_is_partial_and_never_says_nothing_to_fix(cues, good_track):
    judgement = _judged_with(good_track, {})
    report = build_report(good_track[0], judgement, cues, view="side", people=1)
    assert report.outcome == "partial"
    assert report.verdict == "Could not judge your form"
    assert "nothing to fix" not in (report.verdict + report.message).lower()
    assert "Your knee was hidden" in report.message
    assert report.went_well == ()


def test_main_rules_judged_on_only_one_of_three_reps_is_partial(cues, good_track):
    from course.analysis.faults import FAULT_IDS

    judgement = _judged_with(good_track, {fault: {1} for fault in FAULT_IDS})
    report = build_report(good_track[0], judgement, cues, view="side", people=1)
    assert report.outcome == "partial"
    assert report.verdict == "Nothing to fix in what we could see"


def test_main_rules_judged_on_two_of_three_reps_is_judged(cues, good_track):
    from course.analysis.faults import FAULT_IDS

    judgement = _judged_with(good_track, {fault: {1, 2} for fault in FAULT_IDS})
    assert build_report(good_track[0], judgement, cues, view="side", people=1).outcome == "judged"


def test_only_the_minor_rules_judged_is_partial(cues, good_track):
    judgement = _judged_with(good_track, {"locked_knees": {1, 2, 3}, "rushed_descent": {1, 2, 3}})
    report = build_report(good_track[0], judgement, cues, view="side", people=1)
    assert report.outcome == "partial"
    from course.analysis.faults import FAULT_IDS

    unchecked = len(FAULT_IDS) - 2
    assert f"nothing to fix in 3 reps, but {unchecked} of the {len(FAULT_IDS)} checks" in report.message.lower()


# --- what a cue says is true of the way the fault was seen ----------------------------------------


def seen_for(cues, fault: str, value: float, unit: str, measure: str = "") -> str:
    from course.analysis.faults import Finding
    from course.analysis.report import _cues

    finding = Finding(fault, 1, 0.0, 1.0, value, 0.0, unit, 0.9, measure)
    (cue,) = _cues([finding], cues)
    return cue.seen


def test_a_squat_seen_at_the_bottom_says_knees_and_hips_bent_alike_and_the_shins_tipped(cues):
    seen = seen_for(cues, "squat_pattern", 1.02, "ratio")
    assert "knees were bent about as much as your hips" in seen and "shins tipped forward" in seen
    assert "1.02" not in seen


def test_knees_that_broke_first_are_described_as_such_without_a_ratio_or_the_shins(cues):
    seen = seen_for(cues, "squat_pattern", 2.1, "ratio", "knees lead")
    assert "at the start of the way down your knees bent about twice as much as your hips" in seen
    assert "shins" not in seen and "2.1" not in seen


@pytest.mark.parametrize(("travel", "words"), [(0.05, "only about 4 cm"), (-0.02, "hardly moved back")])
def test_hips_that_did_not_travel_back_are_told_in_centimetres_and_hedged(cues, travel, words):
    seen = seen_for(cues, "hips_not_back", travel, "leg lengths")
    assert words in seen
    assert "leg length" not in seen and "usually" in seen


def test_what_the_camera_only_infers_is_hedged(cues):
    assert "usually" in seen_for(cues, "lean_back_at_top", -14.0, "deg")
    assert "usually" in seen_for(cues, "rounded_back", 118.0, "deg", "trunk-to-thigh fold")


def test_every_cue_gives_one_thing_to_try_that_agrees_with_the_lessons(cues):
    for cue in cues.values():
        action = cue.try_this.split(" – ")[0]
        assert action.count(". ") == 0, f"{cue.fault}: more than one sentence before the drill"
    assert "chest proud" not in cues["rounded_back"].try_this
    assert "travel down" in cues["neck_cranked"].try_this, "the gaze moves with the trunk, as lesson 6 teaches"
    assert "two seconds" in cues["rushed_descent"].try_this
