"""`hinge-check` as a trainer uses it: readable text, a JSON contract, and exit codes scripts can trust."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from course.cli import REFUSED_EXIT, main

CLIPS = Path(os.environ["HINGE_CLIPS_DIR"]) if os.environ.get("HINGE_CLIPS_DIR") else None
needs_clips = pytest.mark.skipif(CLIPS is None, reason="HINGE_CLIPS_DIR is not set (.ci/run sets it to ../shared/clips)")


def test_a_text_file_is_refused_with_a_plain_message_and_exit_3(tmp_path, capsys):
    clip = tmp_path / "notes.mp4"
    clip.write_text("squats on Monday, hinges on Thursday")
    assert main([str(clip)]) == REFUSED_EXIT
    out = capsys.readouterr().out
    assert out.startswith("Could not judge this clip")
    assert "Traceback" not in out and "doesn't look like a video" in out


def test_json_is_printed_even_for_a_refused_clip(tmp_path, capsys):
    clip = tmp_path / "empty.mov"
    clip.write_bytes(b"")
    assert main([str(clip), "--json"]) == REFUSED_EXIT
    report = json.loads(capsys.readouterr().out)
    assert (report["outcome"], report["problem"]) == ("refused", "empty_file")


def test_a_mistyped_path_is_a_command_line_error_not_a_refused_clip(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main([str(tmp_path / "nowhere.mp4")])
    assert exited.value.code == 2
    assert "no such file" in capsys.readouterr().err


@needs_clips
def test_a_real_side_view_deadlift_is_judged_and_exits_0(capsys):
    assert main([str(CLIPS / "kb-deadlift-side.mp4"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outcome"] == "judged" and report["view"] == "side"
    assert len(report["reps"]) == 1
    assert {"probe", "pose", "motion", "faults"} <= set(report["timings"])


@needs_clips
def test_two_people_are_refused_with_exit_3(capsys):
    assert main([str(CLIPS / "two-people.mp4")]) == REFUSED_EXIT
    assert "more than one person" in capsys.readouterr().out


@needs_clips
def test_annotated_video_and_subtitles_are_written_where_asked(tmp_path, capsys):
    import av

    out = tmp_path / "annotated.mp4"
    assert main([str(CLIPS / "kb-deadlift-side.mp4"), "--annotated", str(out)]) == 0
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.frames > 50
    assert out.with_suffix(".vtt").read_text().startswith("WEBVTT")
