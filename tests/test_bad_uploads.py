"""Every bad upload, through the page (AppTest) and the command line (`course.cli.main`).

For each kind of bad clip a gym member might send, the test builds the clip in code (PyAV and
NumPy; no video file is checked in), uploads it to the self-check page and runs `hinge-check`
on it, and checks what the issue asks of both: a message a gym member understands, no traceback
or library name shown, the right exit code and JSON `outcome` / `problem`, the page's temporary
folder gone afterwards, and the page still usable for the next upload.

Clips that need a real person are derived from the real clips in HINGE_CLIPS_DIR (cropped,
darkened, rotated, re-timed) and skip where it is unset. The waiting line in front of the
analysis is tested last: its message as a pure function, then a page that waits its turn.
"""

from __future__ import annotations

import json
import math
import tempfile
import threading
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import course.views.self_check as page
from course.analysis.clip_folders import clips_parent
from course.analysis.queue import AnalysisQueue
from course.cli import REFUSED_EXIT, main
from course.thresholds import ANGLE_ERROR
from tests.clip_factory import DARK_SCALE, Frames, pattern, real_frames, write_audio, write_clip, write_frames
from tests.real_clips import CLIPS, needs_clips
from tests.self_check_harness import TIMEOUT_S, app, shown

# Words that must never reach a learner: a traceback, an exception's name, or a library's.
NOT_FOR_LEARNERS = (
    "traceback",
    "exception",
    "error",
    "errno",
    "ffmpeg",
    "pyav",
    "libav",
    "mediapipe",
    "opencv",
    "cv2",
    "numpy",
    "tensorflow",
    "moov",
    "invalid data",
)
REFUSED = "Could not judge this clip"  # the verdict of every refused report (course.analysis.report)
FEET_CUT = 0.15  # share of the picture's height cropped off the bottom: the feet and ankles go
TIME_TOL_S = 0.1  # seconds: three frames of a 30 frames/s clip


# --------------------------------------------------------------------------------------------
# What the learner sees: the page and the command line


def one_line(text: str) -> str:
    """The command line wraps its text at 100 characters: compare phrases on one line."""
    return " ".join(text.split())


def assert_plain(text: str) -> None:
    lowered = text.lower()
    assert not [word for word in NOT_FOR_LEARNERS if word in lowered], text


@pytest.fixture
def temp_root(tmp_path, monkeypatch) -> Path:
    """The folder Python's tempfile uses during the test, so nothing left behind goes unseen."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


@pytest.fixture
def analysed(reused_analyses, monkeypatch) -> list[Path]:
    """The paths the page hands to the analysis, in order. The page and the command line share
    one analysis of each clip (reused_analyses): they are checked on how they show it."""
    seen: list[Path] = []
    real = page.analyse_clip

    def spy(path, **kwargs):
        seen.append(Path(path))
        assert Path(path).is_file()
        return real(path, **kwargs)

    monkeypatch.setattr(page, "analyse_clip", spy)
    return seen


def left_behind(temp_root: Path) -> list[Path]:
    """What is under the temporary folder besides the (empty) parent of every clip folder."""
    return [path for path in temp_root.rglob("*") if path != clips_parent(temp_root)]


class Surfaces:
    """Runs a clip through the page and the command line and checks what every upload must
    get: no exception, no "went wrong on our side" box, nothing in NOT_FOR_LEARNERS, and no
    temporary file left behind."""

    def __init__(self, capsys, temp_root: Path, analysed: list[Path]) -> None:
        self.capsys, self.temp_root, self.analysed = capsys, temp_root, analysed

    def page(self, data: bytes, name: str, at: AppTest | None = None) -> AppTest:
        """Upload `data` as `name` (a new page unless `at` is given) and return the page."""
        at = at if at is not None else app()
        before = len(self.analysed)
        at.file_uploader[0].upload(name, data, "video/mp4").run(timeout=TIMEOUT_S)
        assert not at.exception
        assert not at.error, "a bad clip is the learner's to fix, not a bug of ours"
        assert_plain(shown(at))
        assert len(self.analysed) == before + 1, "each new upload is analysed once"
        folder = self.analysed[-1].parent
        assert folder.parent == clips_parent(self.temp_root) and not folder.exists()
        assert left_behind(self.temp_root) == []
        return at

    def cli(self, clip: Path) -> tuple[int, str]:
        """`hinge-check CLIP`: exit status and the text a trainer reads."""
        self.capsys.readouterr()  # drop what the page's AppTest logged
        status = main([str(clip)])
        out, err = self.capsys.readouterr()
        assert_plain(out + err)
        assert left_behind(self.temp_root) == []
        return status, one_line(out)

    def cli_json(self, clip: Path) -> tuple[int, dict]:
        """`hinge-check CLIP --json`: exit status and the report."""
        self.capsys.readouterr()
        status = main([str(clip), "--json"])
        out, err = self.capsys.readouterr()
        assert_plain(out + err)
        assert left_behind(self.temp_root) == []
        return status, json.loads(out)


@pytest.fixture
def surfaces(capsys, temp_root, analysed) -> Surfaces:
    return Surfaces(capsys, temp_root, analysed)


def refused_everywhere(surfaces: Surfaces, clip: Path, says: str, problem: str, *, text_too: bool = True) -> str:
    """Check that the page and the command line refuse `clip` with a message containing
    `says` and the JSON problem code `problem`; return the page's warning.

    text_too: also run the plain-text command line (for a refused clip its text is the JSON's
    verdict and message). All three show the same analysis of the clip (reused_analyses)."""
    at = surfaces.page(clip.read_bytes(), clip.name)
    warning = at.warning[0].value
    assert warning.startswith(f"**{REFUSED}.**") and says in warning
    assert not at.success and not at.info and not at.header, "a refused clip gets no verdict"
    if text_too:
        status, text = surfaces.cli(clip)
        assert status == REFUSED_EXIT
        assert text.startswith(REFUSED) and says in text
    status, report = surfaces.cli_json(clip)
    assert status == REFUSED_EXIT
    assert (report["outcome"], report["problem"]) == ("refused", problem)
    assert says in report["message"] and report["reps"] == []
    return warning


# --------------------------------------------------------------------------------------------
# Clips made in code, and clips derived from the real ones


def empty_room(path: Path, seconds: float = 2.0) -> Path:
    """A lit wall above a dark floor with a little sensor noise, and nobody in it."""
    rng = np.random.default_rng(0)
    room = np.zeros((240, 320, 3), np.uint8)
    room[:160], room[160:] = (200, 190, 170), (90, 80, 70)
    images = [
        np.clip(room + rng.integers(-6, 7, room.shape), 0, 255).astype(np.uint8) for _ in range(round(seconds * 10))
    ]
    return write_clip(path, images=images, rate=10)


@pytest.fixture(scope="module")
def derived(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("derived")


@pytest.fixture(scope="module")
def feet_out_clip(derived) -> Path:
    """The side-view kettlebell deadlift with the bottom FEET_CUT of the picture cut off."""
    return write_frames(derived / "feet-out.mp4", real_frames("kb-deadlift-side.mp4", keep_top=1 - FEET_CUT))


@pytest.fixture(scope="module")
def dark_clip(derived) -> Path:
    """The side-view kettlebell deadlift at DARK_SCALE of its light."""
    frames = real_frames("kb-deadlift-side.mp4")
    return write_frames(derived / "dark.mp4", [(t, (image * DARK_SCALE).astype(np.uint8)) for t, image in frames])


@pytest.fixture(scope="module")
def portrait_frames() -> Frames:
    """The Romanian deadlift with the rounded back: its vertical video (400 x 720), without the
    black bars it was pillarboxed in. Not shrunk: at 266 x 480 the check for a second person
    saw an upside-down "person" in the burned-in caption of the rotated copy's compression
    noise, and refused it as two people."""
    return real_frames("rdl-rounded-back-side.mp4", columns=slice(440, 840))


@pytest.fixture(scope="module")
def portrait_clips(derived, portrait_frames) -> tuple[Path, Path]:
    """(upright, rotated): the same portrait clip stored upright, and stored as a phone does,
    as landscape pixels turned a quarter with a display matrix saying "turn back 90 degrees"."""
    upright = write_frames(derived / "upright.mp4", portrait_frames)
    turned = [(t, np.ascontiguousarray(np.rot90(image))) for t, image in portrait_frames]
    return upright, write_frames(derived / "phone-portrait.mp4", turned, rotation=-90)


@pytest.fixture(scope="module")
def variable_rate_clip(derived) -> tuple[Path, list[float]]:
    """The side-view kettlebell deadlift with frames dropped unevenly (gaps of 33 and 67 ms),
    each kept frame at its original time; returns the clip and those times, seconds."""
    frames = real_frames("kb-deadlift-side.mp4")
    kept = [frame for i, frame in enumerate(frames) if i % 5 not in (1, 3) or i % 7 == 0]
    return write_frames(derived / "variable-rate.mp4", kept), [t for t, _ in kept]


# --------------------------------------------------------------------------------------------
# Files that are not a usable video


def test_a_text_file_named_mp4_is_not_a_video(surfaces, tmp_path):
    clip = tmp_path / "my-hinge.mp4"
    clip.write_text("Hinge day: 3 x 5 Romanian deadlifts at 60 kg.\n" * 20)
    refused_everywhere(surfaces, clip, "This file doesn't look like a video", "not_a_video")


def test_a_png_image_renamed_mp4_is_not_a_video(surfaces, tmp_path):
    ok, png = cv2.imencode(".png", pattern())
    assert ok
    clip = tmp_path / "photo.mp4"
    clip.write_bytes(png.tobytes())
    refused_everywhere(surfaces, clip, "Please choose the clip you filmed", "not_a_video")


def test_an_empty_file_is_said_to_be_empty(surfaces, tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"")
    refused_everywhere(surfaces, clip, "This file is empty: nothing of the clip arrived", "empty_file")


def test_an_mp4_cut_in_half_is_said_to_be_damaged(surfaces, tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", frames=40)
    clip.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    refused_everywhere(surfaces, clip, "the file looks damaged or only partly copied", "broken_clip")


def test_a_sound_only_file_is_said_to_have_no_picture(surfaces, tmp_path):
    clip = write_audio(tmp_path / "voice-memo.mp4", "mp4", "aac")
    refused_everywhere(surfaces, clip, "This file has no picture in it, only sound", "no_video_track")


@pytest.mark.slow
def test_a_clip_with_nobody_in_it_asks_for_the_whole_body_in_the_picture(surfaces, tmp_path):
    clip = empty_room(tmp_path / "empty-room.mp4")
    refused_everywhere(surfaces, clip, "We couldn't find you in this clip", "no_person_found")


# --------------------------------------------------------------------------------------------
# Limits set in the environment: the page and the command line both read them


@pytest.mark.slow
def test_a_clip_over_the_size_limit_set_in_the_environment_is_too_big(surfaces, tmp_path, monkeypatch):
    monkeypatch.setenv("HINGE_MAX_CLIP_MB", "1")  # the default is 200
    noise = [np.random.default_rng(i).integers(0, 256, (240, 320, 3), np.uint8) for i in range(30)]
    clip = write_clip(tmp_path / "clip.mp4", images=noise)  # noise does not compress: ~1.2 MB
    megabytes = clip.stat().st_size / 1e6
    assert 1.05 < megabytes < 2.0
    warning = refused_everywhere(
        surfaces,
        clip,
        f"This clip is too big at {math.ceil(megabytes * 10) / 10:.1f} MB; we can take up to 1.0 MB",
        "clip_too_large",
    )
    assert "Film only your set" in warning


def test_a_clip_over_the_length_limit_set_in_the_environment_is_too_long(surfaces, tmp_path, monkeypatch):
    monkeypatch.setenv("HINGE_MAX_CLIP_SECONDS", "5")  # the default is 90
    clip = write_clip(tmp_path / "clip.mp4", frames=35, rate=5)  # 7 s
    warning = refused_everywhere(
        surfaces, clip, "This clip runs 7.0 seconds; we check clips up to 5.0 seconds", "clip_too_long"
    )
    assert "Trim it to just your set" in warning


# --------------------------------------------------------------------------------------------
# Real people, badly filmed


@needs_clips
@pytest.mark.slow
def test_two_people_are_refused_because_we_cannot_tell_whose_hinge(surfaces):
    refused_everywhere(
        surfaces,
        CLIPS / "two-people.mp4",
        "We can see more than one person in this clip",
        "more_people_than_one",
        text_too=False,
    )


@needs_clips
@pytest.mark.slow
def test_a_very_dark_clip_asks_for_more_light(surfaces, dark_clip):
    warning = refused_everywhere(
        surfaces, dark_clip, "The clip is too dark for us to see your joints", "too_dark", text_too=False
    )
    assert "Film in a brighter spot" in warning


@needs_clips
@pytest.mark.slow
def test_a_clip_filmed_from_the_front_counts_reps_but_asks_for_a_side_view(surfaces):
    clip = CLIPS / "kb-deadlift-front-oblique.mp4"
    at = surfaces.page(clip.read_bytes(), clip.name)
    box = at.info[0].value
    assert box.startswith("**Could not judge fully: camera in front of you, off to one side.**")
    assert "We counted 6 reps" in box and "Film again side-on" in box
    assert not at.warning and "What we could not judge" in [s.value for s in at.header]
    status, report = surfaces.cli_json(clip)
    assert status == 0
    assert (report["outcome"], report["problem"], report["view"]) == ("partial", None, "front-oblique")
    assert "Film again side-on" in report["message"] and len(report["reps"]) == 6


@needs_clips
@pytest.mark.slow
def test_feet_out_of_frame_are_named_and_never_called_a_solid_hinge(surfaces, feet_out_clip):
    feet = "Your feet were out of the picture for much of the clip"
    at = surfaces.page(feet_out_clip.read_bytes(), "feet-out.mp4")
    text = shown(at)
    assert feet in text
    assert "Solid hinge" not in text and "well done" not in text, "checks were missed: nothing is 'solid'"
    assert "**Nothing to fix in what we could see.**" in text and "checks could not be made" in text
    status, report = surfaces.cli_json(feet_out_clip)
    assert status == 0
    assert (report["outcome"], report["problem"]) == ("partial", None), "the knee checks could not run on most reps"
    assert report["verdict"] == "Nothing to fix in what we could see"
    assert [item["why"] for item in report["not_judged"] if item["what"] == "framing"] == [
        "Your feet were out of the picture for much of the clip, so knee and shin angles are less sure."
    ]


@needs_clips
@pytest.mark.slow
def test_a_portrait_phone_clip_with_rotation_metadata_is_judged_like_the_upright_clip(surfaces, portrait_clips):
    upright, rotated = portrait_clips
    with av.open(str(rotated)) as container:  # what the phone stored: landscape pixels...
        stream = container.streams.video[0]
        assert stream.width > stream.height
        assert next(container.decode(stream)).rotation == -90  # ...and "turn them back"
    at = surfaces.page(rotated.read_bytes(), "portrait.mov")
    assert at.info[0].value.startswith("**One thing to fix: your back rounded.**")
    assert "**1. Your back rounded** · rep 1" in shown(at)
    status, report = surfaces.cli_json(rotated)
    _, reference = surfaces.cli_json(upright)
    assert status == 0
    assert (report["clip"]["width"], report["clip"]["height"]) == (
        reference["clip"]["width"],
        reference["clip"]["height"],
    )
    assert report["clip"]["height"] > report["clip"]["width"]
    for key in ("outcome", "verdict", "view"):
        assert report[key] == reference[key]
    assert (
        [rep["faults"] for rep in report["reps"]] == [rep["faults"] for rep in reference["reps"]] == [["rounded_back"]]
    )
    rep, expected = report["reps"][0], reference["reps"][0]
    # one pose sample either way (inclusive: 1.6 - 1.5 is 0.10000000000000009 in floating point)
    assert rep["bottom_s"] == pytest.approx(expected["bottom_s"], abs=TIME_TOL_S + 1e-6)
    for angle in ("hip", "knee", "trunk"):
        assert rep[angle]["degrees"] == pytest.approx(expected[angle]["degrees"], abs=ANGLE_ERROR.value)


@needs_clips
@pytest.mark.slow
def test_a_variable_frame_rate_clip_is_judged_on_its_frames_own_times(surfaces, variable_rate_clip):
    clip, times = variable_rate_clip
    assert set(np.round(np.diff(times), 3)) == {0.033, 0.067}  # really uneven
    at = surfaces.page(clip.read_bytes(), "variable-rate.mp4")
    assert at.success[0].value.startswith("**Solid hinge.**")
    status, report = surfaces.cli_json(clip)
    assert status == 0
    assert (report["outcome"], len(report["reps"])) == ("judged", 1)
    # index / frame rate would squeeze the clip into len(times) / 30 s, about a third shorter
    assert report["clip"]["frames"] == len(times)
    assert report["clip"]["duration_s"] == pytest.approx(times[-1], abs=0.01)
    assert set(report["series"]["t_s"]) <= {round(t, 2) for t in times}
    rep = report["reps"][0]
    assert rep["end_s"] == pytest.approx(times[-1], abs=TIME_TOL_S)
    assert f"**Rep 1** · {rep['start_s']:.1f} to {rep['end_s']:.1f} s" in shown(at)


@needs_clips
@pytest.mark.slow
def test_a_good_clip_right_after_bad_ones_is_judged_in_the_same_session(surfaces, tmp_path):
    at = app()
    for name, data in (
        ("notes.mp4", b"squats on Monday"),
        ("clip.mp4", b""),
        ("voice.mp4", write_audio(tmp_path / "voice.mp4", "mp4", "aac").read_bytes()),
    ):
        surfaces.page(data, name, at)
        assert at.warning[0].value.startswith(f"**{REFUSED}.**")
    surfaces.page((CLIPS / "kb-deadlift-side.mp4").read_bytes(), "kb-deadlift.mp4", at)
    assert not at.warning, "the last refusal is gone"
    assert at.success[0].value.startswith("**Solid hinge.** 1 rep judged")
    assert "Rep by rep" in [s.value for s in at.header]


# --------------------------------------------------------------------------------------------
# Waiting in line for the analysis


def test_waiting_message_gives_the_place_in_line_and_a_rounded_wait():
    assert page.waiting_message(1, AnalysisQueue().typical_seconds()) == (
        "1 check ahead of yours. About 25 s to wait: you can keep this page open."
    )
    assert page.waiting_message(3, 47.0).startswith("3 checks ahead of yours. About 45 s to wait")
    assert "About 5 s to wait" in page.waiting_message(1, 0.4)  # never "0 s"


@pytest.mark.slow
def test_an_upload_waits_while_the_only_slot_is_busy_then_shows_its_report(surfaces, tmp_path, monkeypatch):
    line = AnalysisQueue(slots=1)
    holding, release = threading.Event(), threading.Event()

    def someone_elses_analysis() -> None:
        with line.turn():
            holding.set()
            release.wait(timeout=TIMEOUT_S)

    waits: list[tuple[int, float, str]] = []
    real = page.waiting_message

    def spy(ahead: int, seconds: float) -> str:
        waits.append((ahead, seconds, real(ahead, seconds)))
        release.set()  # the other analysis ends while this learner is told to wait
        return waits[-1][2]

    monkeypatch.setattr(page, "analysis_queue", lambda: line)
    monkeypatch.setattr(page, "waiting_message", spy)
    other = threading.Thread(target=someone_elses_analysis, daemon=True)
    other.start()
    assert holding.wait(timeout=10)
    clip = empty_room(tmp_path / "empty-room.mp4")
    at = surfaces.page(clip.read_bytes(), clip.name)
    other.join(timeout=10)
    assert not other.is_alive()
    assert waits[0][0] == 1
    assert waits[0][2] == "1 check ahead of yours. About 25 s to wait: you can keep this page open."
    assert "ahead of yours" not in shown(at), "the waiting note goes once the turn comes"
    assert "We couldn't find you in this clip" in at.warning[0].value
