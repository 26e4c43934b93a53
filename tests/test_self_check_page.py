"""The self-check page through AppTest: every state, bad uploads included, and no second analysis on a rerun."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import course.views.self_check as page
from course.analysis.checks import Check, CheckStatus
from course.views.figure_view import OPEN_LABEL
from tests.clip_factory import write_clip
from tests.real_clips import CLIPS, needs_clips
from tests.self_check_harness import SCRIPT, TIMEOUT_S, app, open_the_replay, shown


def test_page_invites_an_upload_with_the_filming_checklist_beside_it():
    at = app()
    assert not at.exception
    assert at.title[0].value == "Check your hinge"
    assert "## Checklist" in shown(at)
    assert "deleted as soon as the analysis is done" in shown(at)
    assert len(at.file_uploader) == 1


@pytest.mark.parametrize(
    ("accepted", "offered", "not_offered"),
    [
        (None, {".mp4", ".m4v", ".3gp", ".mov", ".qt", ".webm", ".avi"}, {".mkv"}),
        ("mp4,mkv", {".mp4", ".m4v", ".3gp", ".mkv"}, {".mov", ".webm", ".avi"}),
    ],
)
def test_the_upload_lets_a_learner_pick_the_formats_the_analysis_takes(monkeypatch, accepted, offered, not_offered):
    if accepted:
        monkeypatch.setenv("HINGE_ACCEPTED_FORMATS", accepted)
    at = app()
    types = set(at.file_uploader[0].proto.type)  # Streamlit adds an alias or two of its own (.mpeg4)
    assert offered <= types and not types & not_offered


def test_a_text_file_gets_a_plain_message_and_the_page_stays_usable(tmp_path):
    at = app()
    at.file_uploader[0].upload("notes.mp4", b"squats on Monday", "video/mp4").run()
    assert not at.exception
    assert "doesn't look like a video" in at.warning[0].value
    clip = write_clip(tmp_path / "empty-room.mp4")  # a real video with nobody in it
    at.file_uploader[0].upload("empty-room.mp4", clip.read_bytes(), "video/mp4").run()
    assert not at.exception
    assert "Could not judge this clip" in at.warning[0].value
    assert "Traceback" not in shown(at)


def test_an_empty_file_is_named_as_empty():
    at = app()
    at.file_uploader[0].upload("clip.mov", b"", "video/quicktime").run()
    assert not at.exception
    assert "empty" in at.warning[0].value.lower()


def test_a_bug_in_the_analysis_is_apologised_for_not_shown_as_a_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("an internal mistake")

    monkeypatch.setattr(page, "analyse_clip", broken)
    at = app()
    at.file_uploader[0].upload("clip.mp4", b"anything", "video/mp4").run()
    assert not at.exception
    assert "went wrong on our side" in at.error[0].value
    assert "internal mistake" not in shown(at)


def test_the_uploaded_clip_is_analysed_from_a_temporary_file_that_is_then_deleted(monkeypatch):
    seen: list[Path] = []
    real = page.analyse_clip

    def spy(path, **kwargs):
        seen.append(Path(path))
        assert Path(path).is_file()
        return real(path, **kwargs)

    monkeypatch.setattr(page, "analyse_clip", spy)
    at = app()
    at.file_uploader[0].upload("notes.mp4", b"not a video", "video/mp4").run()
    assert len(seen) == 1 and not seen[0].exists() and not seen[0].parent.exists()


def test_the_exercise_chosen_on_the_page_reaches_the_analysis_and_not_sure_is_the_default(monkeypatch):
    chosen: list[str] = []
    real = page.analyse_clip
    monkeypatch.setattr(page, "analyse_clip", lambda path, **kw: chosen.append(kw["exercise"]) or real(path, **kw))
    at = app()
    (choice,) = [box for box in at.selectbox if box.label == "What did you film?"]
    assert choice.value == "not_sure"
    at.file_uploader[0].upload("notes.mp4", b"not a video", "video/mp4").run()
    choice = next(box for box in at.selectbox if box.label == "What did you film?")
    choice.select("kettlebell_deadlift").run()
    assert not at.exception
    assert chosen == ["not_sure"], "the clip is gone once checked: a new choice is not a silent new check"
    assert any("To check it as Kettlebell deadlift instead, upload it again" in info.value for info in at.info)
    at.file_uploader[0].upload("notes.mp4", b"not a video", "video/mp4").run()
    assert chosen == ["not_sure", "kettlebell_deadlift"]
    assert not any("upload it again" in info.value for info in at.info)


@needs_clips
@pytest.mark.slow
def test_a_real_rounded_back_gets_a_verdict_a_cue_and_its_lesson(reused_analyses, monkeypatch):
    calls = []
    real = page.analyse_clip
    monkeypatch.setattr(page, "analyse_clip", lambda path, **kw: calls.append(path) or real(path, **kw))
    at = app()
    at.file_uploader[0].upload("rdl.mp4", (CLIPS / "rdl-rounded-back-side.mp4").read_bytes(), "video/mp4").run()
    assert not at.exception
    assert at.info[0].value.startswith("**One thing to fix: your back rounded.**")
    text = shown(at)
    assert "**1. Your back rounded** · rep 1" in text and "**Try this:**" in text
    assert [s.value for s in at.header][:4] == [
        "What to work on",
        "What went well",
        "Your clip, annotated",
        "Rep by rep",
    ]
    # The angle chart is drawn; the fault's figure and the replay show a still and open in 3D on a tap.
    assert [chart.key for chart in at.get("plotly_chart")] == ["angles"]
    opens = [button.key for button in at.button if button.label == OPEN_LABEL]
    assert len(opens) == 2 and opens[-1].startswith("replay:"), opens
    assert len(open_the_replay(at).get("plotly_chart")) == 2
    assert "Your movement in 3D" in [s.value for s in at.header]
    assert "Your clip, annotated" in [s.value for s in at.header]
    assert not at.subheader, "the report's parts are h2 under the page's h1, no level skipped"
    assert len(at.get("video")) == 2  # the whole clip, and rep 1 on its own
    at.run()  # any widget change reruns the page...
    assert len(calls) == 1, "...but never analyses the same clip again"


@needs_clips
@pytest.mark.slow
def test_a_camera_in_front_shows_the_reps_but_no_angles_that_would_mislead(reused_analyses):
    at = app()
    at.file_uploader[0].upload("front.mp4", (CLIPS / "kb-deadlift-front-oblique.mp4").read_bytes(), "video/mp4").run()
    assert not at.exception
    assert at.info[0].value.startswith("**Could not judge fully: camera in front")
    text = shown(at)
    assert text.count("form not judged from this camera angle") == 6
    assert "At the bottom" not in text and "nothing to fix" not in text
    headings = [s.value for s in at.header]
    assert "What we could not judge" in headings and not at.subheader
    assert "Your angles over time" not in headings and "Your movement in 3D" not in headings
    assert "What we could not judge" in headings


@needs_clips
@pytest.mark.slow
def test_the_replay_of_a_sound_deadlift_shows_no_rounded_back_or_bent_neck(reused_analyses):
    at = app()
    at.file_uploader[0].upload("dl.mp4", (CLIPS / "deadlift-side-2reps.mp4").read_bytes(), "video/mp4").run()
    assert at.success[0].value.startswith("**Solid hinge.**")
    replay = open_the_replay(at).get("plotly_chart")[-1].proto.spec
    assert '"hip ' in replay and "back rounded" not in replay and "neck bent back" not in replay


@needs_clips
@pytest.mark.slow
def test_a_camera_at_an_angle_still_shows_the_angles_it_judged_the_knees_from(reused_analyses):
    at = app()
    at.file_uploader[0].upload("goblet.mp4", (CLIPS / "goblet-squat-side.mp4").read_bytes(), "video/mp4").run()
    assert at.info[0].value.startswith("**Looks like a squat.**")
    assert "At the bottom: hips" in shown(at)
    assert "Your angles over time" in [s.value for s in at.header]


def test_a_new_page_of_the_same_visit_shows_its_report_without_analysing_again(monkeypatch):
    calls = []
    real = page.analyse_clip
    monkeypatch.setattr(page, "analyse_clip", lambda path, **kw: calls.append(path) or real(path, **kw))
    token = secrets.token_urlsafe(24)
    first = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S)
    first.session_state[page.VISIT_TOKEN] = token  # what the visit's cookie gives every page of it
    first.run()
    first.file_uploader[0].upload("notes.mp4", b"not a video", "video/mp4").run()
    assert "doesn't look like a video" in first.warning[0].value
    reloaded = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S)
    reloaded.session_state[page.VISIT_TOKEN] = token
    reloaded.run()
    assert "doesn't look like a video" in reloaded.warning[0].value
    assert len(calls) == 1
    stranger = app()  # another browser: a visit of its own
    assert not stranger.warning


def test_a_check_that_gave_up_its_place_in_line_says_so_and_leaves_no_bar():
    token = secrets.token_urlsafe(24)
    left = Check("an-upload")
    left.tell(CheckStatus("left"))
    page.visits().visit(token).check = left
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S)
    at.session_state[page.VISIT_TOKEN] = token
    at.run()
    assert at.warning[0].value == page.LEFT_THE_PAGE
    assert "upload the clip again to start over" in page.LEFT_THE_PAGE
    assert not at.get("progress")
