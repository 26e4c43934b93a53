"""A report always reaches the learner: no part of the self-check page takes the rest down.

The page is driven with AppTest and a report made in code from the body model's hinge
(course.motions -> course.landmarks -> the real analysis), given the values that crashed the
page on real clips: a pose the body model cannot take, a 0.2 s "rep", a part that raises.
Each time the rest of the report, and "Keep this result" with its "Hand in", is still drawn,
and no traceback is shown. The real clips (HINGE_CLIPS_DIR) go through the page last.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pytest
import streamlit
import streamlit.errors

import course.views.self_check as page
from course.analysis.check import Analysis
from course.analysis.faults import find_faults
from course.analysis.kinematics import measure_motion
from course.analysis.replay import BeyondModel, replay_motion
from course.analysis.report import build_report
from course.body import JOINT_LIMITS
from course.content import load_course
from course.landmarks import Camera
from course.motions import MOTIONS
from course.synthetic_landmarks import landmark_sequence
from course.thresholds import REP_CLIP_MARGIN, REP_CLIP_MIN
from tests.clip_factory import write_clip
from tests.page_harness import app as course_app
from tests.page_harness import submit, upload
from tests.real_clips import CLIPS, needs_clips
from tests.self_check_harness import app, shown


@pytest.fixture(scope="module")
def hinge_track():
    """Two good hinges seen side-on, measured as a clip's landmarks are."""
    motion = MOTIONS["good_hinge"](reps=2)
    return measure_motion(
        landmark_sequence(motion, Camera.side_view("right"), noise_px=2, rng=np.random.default_rng(0))
    )


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory) -> bytes:
    """A small real H.264 clip standing in for the annotated video."""
    return write_clip(tmp_path_factory.mktemp("clip") / "annotated.mp4").read_bytes()


def analysis_of(track, video: bytes | None, **report_changes) -> Analysis:
    """What analyse_clip returns for this measured track, judged side-on, with the report's
    fields changed as given."""
    report = build_report(
        track, find_faults(track, "side"), load_course().cues, view="side", people=1, timings={"pose": 1.0}
    )
    return Analysis(dataclasses.replace(report, **report_changes), track, video, "WEBVTT\n")


def page_with(monkeypatch, analysis: Analysis):
    """The self-check page after an upload whose analysis is `analysis`."""
    monkeypatch.setattr(page, "analyse_clip", lambda path, **options: analysis)
    at = app()
    return at.file_uploader[0].upload("clip.mp4", b"a clip", "video/mp4").run()


def headings(at) -> list[str]:
    return [s.value for s in at.header]


def assert_whole_page(at) -> None:
    """No traceback, and the end of the page drawn: what the learner keeps and hands in."""
    assert not at.exception
    assert "Traceback" not in shown(at)
    assert "Keep this result" in headings(at)
    assert "Sign in to keep this result's numbers" in shown(at)


# --- a pose the body model can't take ----------------------------------------------------------


def held_at(track, **degrees: float):
    """The track with each named angle series (hip_deg, knee_deg, ...) held at one value."""
    return dataclasses.replace(
        track, **{name: np.full_like(getattr(track, name), value) for name, value in degrees.items()}
    )


def replayed(monkeypatch, track, video: bytes):
    """The page for this track, checked whole and with its 3D replay drawn."""
    at = page_with(monkeypatch, analysis_of(track, video))
    assert_whole_page(at)
    assert "Your movement in 3D" in headings(at)
    return at


@pytest.mark.slow
def test_a_pose_past_the_body_models_range_is_replayed_at_its_limit_and_the_caption_says_so(
    monkeypatch, hinge_track, clip_bytes
):
    # Knees bent 140 degrees with the hips nearly open: the trunk leans back so far that arms
    # hanging plumb would need the shoulder well past its 60 degrees of extension.
    leaning = held_at(hinge_track, hip_deg=10.0, knee_deg=140.0)
    at = replayed(monkeypatch, leaning, clip_bytes)
    asked = replay_motion(leaning).beyond_model[0].asked_deg
    assert f"(shoulder flexion {asked:.0f}°, where the model stops at -60°)" in shown(at)
    assert "replay holds those moments at the model's limit" in shown(at)


@pytest.mark.slow
def test_a_pose_that_fits_the_model_once_balanced_is_replayed_with_no_caption(monkeypatch, hinge_track, clip_bytes):
    # Knees 81, hips 10: what raised "shoulder flexion -71.0° is outside -60.0° to 180.0°".
    at = replayed(monkeypatch, held_at(hinge_track, hip_deg=10.0, knee_deg=81.0), clip_bytes)
    assert page.SORRY_REPLAY not in shown(at) and "the model's limit" not in shown(at)


def test_the_note_names_only_angles_held_off_by_a_whole_degree():
    shoulder = JOINT_LIMITS["shoulder"]
    assert page.beyond_model_note([BeyondModel("shoulder", shoulder.label, -60.3, -60.0)]) == ""
    note = page.beyond_model_note(
        [BeyondModel("knee", "knee flexion", 158.2, 150.0), BeyondModel("shoulder", shoulder.label, -60.3, -60.0)]
    )
    assert "(knee flexion 158°, where the model stops at 150°)" in note and "shoulder" not in note


def test_a_clip_that_cannot_be_replayed_says_so_in_the_replays_place(monkeypatch, hinge_track, clip_bytes):
    def unreplayable(track, **options):
        raise ValueError("no frame had a measured hip and knee angle to replay")

    monkeypatch.setattr(page, "replay_motion", unreplayable)
    at = page_with(monkeypatch, analysis_of(hinge_track, clip_bytes))
    assert_whole_page(at)
    assert "Your movement in 3D" in headings(at) and page.SORRY_REPLAY in shown(at)
    assert "no frame" not in shown(at)


# --- a rep too short to play -----------------------------------------------------------------


@pytest.mark.slow
def test_a_rep_too_short_to_play_is_not_offered_as_a_clip(monkeypatch, hinge_track, clip_bytes):
    analysis = analysis_of(hinge_track, clip_bytes)
    first, second = analysis.report.reps
    blip = dataclasses.replace(first, start_s=0.2, bottom_s=0.3, end_s=0.4)
    at = page_with(
        monkeypatch, dataclasses.replace(analysis, report=dataclasses.replace(analysis.report, reps=(blip, second)))
    )
    assert_whole_page(at)
    assert "**Rep 1** · 0.2 to 0.4 s" in shown(at), "the rep is still listed"
    assert [e.label for e in at.expander if e.label.startswith("Watch")] == ["Watch rep 2 on its own"]
    assert len(at.get("video")) == 2  # the whole clip and rep 2


@pytest.mark.parametrize(
    "start_s, end_s, window",
    [
        (0.2, 0.4, None),  # the 0.2 s "rep" that crashed the page
        (3.0, 3.0 + REP_CLIP_MIN.value - 0.01, None),
        (0.0, 1.0, (0, 2)),  # a clip can't start before its first frame
        (0.92, 4.67, (0, 5)),
        (6.51, 10.39, (6, 11)),
    ],
)
def test_a_rep_clip_plays_whole_seconds_around_the_rep(start_s, end_s, window):
    assert page.rep_clip_window(start_s, end_s) == window


def test_every_offered_rep_clip_ends_after_it_starts_and_holds_the_whole_rep():
    for start_s in np.arange(0.0, 6.0, 0.05):
        for length_s in np.arange(REP_CLIP_MIN.value + 0.01, 4.0, 0.05):
            start, end = page.rep_clip_window(float(start_s), float(start_s + length_s))
            assert isinstance(start, int) and isinstance(end, int) and end > start
            assert (
                start <= max(0.0, start_s - REP_CLIP_MARGIN.value) and end >= start_s + length_s + REP_CLIP_MARGIN.value
            )


# --- a part that raises ----------------------------------------------------------------------


def broken(*args, **kwargs):
    raise RuntimeError("an internal mistake in drawing")


@pytest.mark.parametrize(
    "target, sorry, still_there",
    [
        ((page, "angle_chart"), page.SORRY_CHART, "Your movement in 3D"),
        ((page, "body_figure"), page.SORRY_REPLAY, "Your angles over time"),
        ((page, "_reps"), page.SORRY_REPS, "Your angles over time"),
        ((streamlit, "video"), page.SORRY_VIDEO, "Rep by rep"),
        ((page, "_not_judged"), page.SORRY_NOT_JUDGED, "Your movement in 3D"),
    ],
    ids=["chart", "replay", "reps", "video", "not judged"],
)
@pytest.mark.slow
def test_a_part_that_fails_becomes_a_sentence_and_the_rest_of_the_page_is_drawn(
    monkeypatch, caplog, hinge_track, clip_bytes, target, sorry, still_there
):
    monkeypatch.setattr(*target, broken)
    with caplog.at_level(logging.ERROR, logger=page.__name__):
        at = page_with(monkeypatch, analysis_of(hinge_track, clip_bytes))
    assert_whole_page(at)
    assert sorry in shown(at) and still_there in headings(at)
    assert "internal mistake" not in shown(at)
    assert any("could not be drawn" in r.getMessage() and r.exc_info for r in caplog.records), "logged for us"


@pytest.mark.slow
def test_a_rep_clip_the_player_refuses_becomes_a_sentence_in_its_place(monkeypatch, hinge_track, clip_bytes):
    real_video = streamlit.video

    def fussy(data, *args, start_time=0, end_time=None, **kwargs):
        if end_time is not None:
            raise streamlit.errors.StreamlitAPIException("Invalid start_time and end_time combination.")
        return real_video(data, *args, start_time=start_time, end_time=end_time, **kwargs)

    monkeypatch.setattr(streamlit, "video", fussy)
    at = page_with(monkeypatch, analysis_of(hinge_track, clip_bytes))
    assert_whole_page(at)
    assert shown(at).count(page.SORRY_REP_CLIP) == 2
    assert len(at.get("video")) == 1, "the annotated clip is still shown"
    assert "Invalid start_time" not in shown(at)


def test_a_failing_part_still_lets_a_member_hand_the_result_in(
    monkeypatch, store, film_homework, hinge_track, clip_bytes
):
    amy, _work = film_homework
    monkeypatch.setattr(page, "analyse_clip", lambda path, **options: analysis_of(hinge_track, clip_bytes))
    monkeypatch.setattr(page, "angle_chart", broken)
    monkeypatch.setattr(page, "body_figure", broken)
    at = upload(course_app("self-check", account=amy))
    assert not at.exception
    assert page.SORRY_CHART in shown(at) and page.SORRY_REPLAY in shown(at)
    submit(at, "keep-result", "Hand in")
    assert not at.exception
    assert at.success[-1].value.startswith("Handed in")
    (status,) = store.assignments(amy)
    assert status.submission is not None


# --- the real clips --------------------------------------------------------------------------


@needs_clips
@pytest.mark.parametrize("name", sorted(p.name for p in CLIPS.glob("*.mp4")) if CLIPS else [])
@pytest.mark.slow
def test_a_real_clip_reaches_the_end_of_the_page_without_an_exception(name, caplog, reused_analyses):
    at = app()
    with caplog.at_level(logging.ERROR, logger=page.__name__):
        at.file_uploader[0].upload(name, (CLIPS / name).read_bytes(), "video/mp4").run()
    assert not at.exception
    assert "Traceback" not in shown(at)
    assert not [r for r in caplog.records if "could not be drawn" in r.getMessage()], "every part was drawn"
    refused = bool(at.warning) and at.warning[0].value.startswith("**Could not judge this clip")
    assert refused or "Keep this result" in headings(at)
