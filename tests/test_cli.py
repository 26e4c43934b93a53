"""`hinge-check` as a trainer uses it: readable text, a JSON contract, and exit codes scripts can trust."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from course.cli import BUG_EXIT, CONFIG_EXIT, REFUSED_EXIT, main
from course.native_output import is_native_noise
from tests.clip_factory import DARK_SCALE, real_frames, write_frames
from tests.real_clips import CLIPS, needs_clips


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


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("HINGE_MAX_CLIP_SECONDS", "ninety", "HINGE_MAX_CLIP_SECONDS must be a number of seconds, got 'ninety'"),
        ("HINGE_PARALLEL_ANALYSES", "0", "parallel_analyses (HINGE_PARALLEL_ANALYSES) must be between 1 and 64"),
        (
            "HINGE_MAX_CLIP_SECOND",
            "60",
            "HINGE_MAX_CLIP_SECOND is not a setting of the course: did you mean HINGE_MAX_CLIP_SECONDS?",
        ),
    ],
)
def test_a_setting_the_course_cant_use_is_one_line_and_exit_4(tmp_path, monkeypatch, capsys, variable, value, said):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"anything")
    monkeypatch.setenv(variable, value)
    assert main([str(clip)]) == CONFIG_EXIT
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("hinge-check: ") and said in line


def test_a_broken_content_folder_is_one_line_and_exit_4(tmp_path, monkeypatch, capsys):
    from course.content import CONTENT_DIR_SETTING

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"anything")
    monkeypatch.setenv(CONTENT_DIR_SETTING, str(tmp_path / "draft"))
    assert main([str(clip)]) == CONFIG_EXIT
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("hinge-check: ") and "draft" in line and "Traceback" not in line


def test_a_mistyped_path_is_a_command_line_error_not_a_refused_clip(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main([str(tmp_path / "nowhere.mp4")])
    assert exited.value.code == 2
    assert "no such file" in capsys.readouterr().err


@needs_clips
@pytest.mark.slow
def test_a_real_side_view_deadlift_is_judged_and_exits_0(capsys, reused_analyses):
    assert main([str(CLIPS / "kb-deadlift-side.mp4"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outcome"] == "judged" and report["view"] == "side"
    assert len(report["reps"]) == 1
    assert {"probe", "pose", "motion", "faults"} <= set(report["timings"])


@needs_clips
@pytest.mark.slow
def test_two_people_are_refused_with_exit_3(capsys, reused_analyses):
    assert main([str(CLIPS / "two-people.mp4")]) == REFUSED_EXIT
    assert "more than one person" in capsys.readouterr().out


@needs_clips
@pytest.mark.slow
def test_annotated_video_and_subtitles_are_written_where_asked(tmp_path, capsys, reused_analyses):
    import av

    out = tmp_path / "annotated.mp4"
    assert main([str(CLIPS / "kb-deadlift-side.mp4"), "--annotated", str(out)]) == 0
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.frames > 50
    assert out.with_suffix(".vtt").read_text().startswith("WEBVTT")


# --- only our own words on stderr ------------------------------------------------------------

OUR_LINE = "hinge-check: a message of ours"
NATIVE_LINES = (
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "W0000 00:00:1796276696.027294    1352 inference_feedback_manager.cc:114] Feedback manager requires a model "
    "with a single signature inference. Disabling support for feedback tensors.",
    "I1203 04:49:12.004417    1352 gl_context.cc:357] GL version: 3.2",
    "E1203 04:49:12.004417    1529 calculator_graph.cc:887] a step MediaPipe recovered from",
    "[h264 @ 0x55d0c3a4e600] mmco: unref short failure",
    "2026-12-03 05:41:47.304 Thread 'MainThread': missing ScriptRunContext! This warning can be ignored "
    "when running in bare mode.",
)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`hinge-check ARGS` in a process of its own, as a trainer runs it (no logging settings
    of ours in its environment)."""
    env = {
        name: value for name, value in os.environ.items() if name not in ("GLOG_minloglevel", "TF_CPP_MIN_LOG_LEVEL")
    }
    return subprocess.run(
        [sys.executable, "-m", "course.cli", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.parametrize("line", NATIVE_LINES)
def test_the_native_libraries_log_lines_are_known_noise(line):
    assert is_native_noise(line + "\n")


@pytest.mark.parametrize(
    "line",
    [
        OUR_LINE,
        "Traceback (most recent call last):",
        "usage: hinge-check [-h] [--json] clip",
        "F1203 04:49:12.004417    1352 calculator_graph.cc:12] Check failed: a fatal error, the process stops",
    ],
)
def test_our_lines_and_a_native_fatal_error_are_not_noise(line):
    assert not is_native_noise(line + "\n")


FILTERED_PROCESS = """
import os, sys, threading
from course.native_output import native_noise_filtered

def native(line):  # what C++ does: straight to file descriptor 2
    os.write(2, (line + "\\n").encode())

native_lines = sys.argv[1:]
with native_noise_filtered():
    native(native_lines[0])
    print("ours (first)", file=sys.stderr)
    worker = threading.Thread(target=lambda: [native(line) for line in native_lines])
    worker.start()
    worker.join()
    native("a native line we do not know")
    print("ours (last)", file=sys.stderr)
print("after the block", file=sys.stderr)
"""


def test_the_filter_passes_our_lines_in_order_and_drops_native_lines_from_every_thread():
    done = subprocess.run(
        [sys.executable, "-c", FILTERED_PROCESS, *NATIVE_LINES], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stderr.splitlines() == [
        "ours (first)",
        "a native line we do not know",
        "ours (last)",
        "after the block",
    ]


def test_a_bug_of_ours_is_one_plain_sentence_on_stderr_with_no_native_lines(tmp_path, capfd, monkeypatch):
    import course.analysis.check as check

    def broken(path, **options):
        for line in NATIVE_LINES:
            os.write(2, (line + "\n").encode())
        raise RuntimeError("an internal mistake")

    monkeypatch.setattr(check, "analyse_clip", broken)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"anything")
    assert main([str(clip)]) == BUG_EXIT
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"hinge-check: something went wrong on our side while checking {clip}. It's not the clip's fault: try "
        "again, and if it happens again, run it with --debug and send us what it prints."
    ]


def test_a_command_line_error_of_ours_still_reaches_stderr(tmp_path):
    done = run_cli(str(tmp_path / "nowhere.mp4"))
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"hinge-check: error: no such file: {tmp_path / 'nowhere.mp4'}"


@needs_clips
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.slow
def test_a_real_clip_prints_nothing_on_stderr(as_json):
    done = run_cli(str(CLIPS / "kb-deadlift-side.mp4"), *(["--json"] if as_json else []))
    assert done.returncode == 0
    assert done.stderr == ""
    assert json.loads(done.stdout)["outcome"] == "judged" if as_json else done.stdout.startswith("Solid hinge")


@needs_clips
@pytest.mark.slow
def test_a_refused_real_clip_prints_its_message_on_stdout_and_nothing_on_stderr(tmp_path):
    frames = real_frames("kb-deadlift-side.mp4")
    dark = write_frames(tmp_path / "dark.mp4", [(t, (image * DARK_SCALE).astype(np.uint8)) for t, image in frames])
    done = run_cli(str(dark), "--json")
    assert done.returncode == REFUSED_EXIT
    assert done.stderr == ""
    assert json.loads(done.stdout)["problem"] == "too_dark"


@needs_clips
@pytest.mark.slow
def test_debug_shows_the_native_lines_for_us():
    done = run_cli(str(CLIPS / "kb-deadlift-side.mp4"), "--debug")
    assert done.returncode == 0
    assert any(is_native_noise(line) for line in done.stderr.splitlines())


def test_an_annotated_clip_asked_for_in_a_missing_folder_is_a_command_line_error(tmp_path, capsys):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"anything")
    with pytest.raises(SystemExit) as exited:
        main([str(clip), "--annotated", str(tmp_path / "nowhere" / "out.mp4")])
    assert exited.value.code == 2
    assert "no such folder to write the annotated clip in" in capsys.readouterr().err


def test_help_lists_every_exercise_a_clip_can_be_judged_as(capsys):
    from course.analysis.exercises import EXERCISES

    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    listed = " ".join(capsys.readouterr().out.split())
    assert all(exercise_id.replace("_", "-") in listed for exercise_id in EXERCISES)


def test_a_named_exercise_is_accepted_and_reaches_the_check(tmp_path, capsys, monkeypatch):
    import course.analysis.check as check

    chosen = []
    real = check.analyse_clip
    monkeypatch.setattr(check, "analyse_clip", lambda path, **kw: chosen.append(kw["exercise"]) or real(path, **kw))
    clip = tmp_path / "notes.mp4"
    clip.write_text("not a video")
    assert main([str(clip), "--exercise", "Kettlebell-Deadlift", "--json"]) == REFUSED_EXIT  # the clip, not the name
    assert chosen == ["kettlebell_deadlift"]
    assert json.loads(capsys.readouterr().out)["problem"] == "not_a_video"


def test_an_unknown_exercise_is_one_plain_line_and_exit_2(tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"anything")
    done = run_cli(str(clip), "--exercise", "squat")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith(
        "hinge-check: error: no exercise called 'squat': choose one of hinge-drill,"
    )
