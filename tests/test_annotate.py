"""The annotated video and its subtitles: what a browser gets, and what the learner sees on it.

Every clip is a plain grey picture written by PyAV into a temporary folder (tests.clip_factory's
write_clip), its frame times equal to a body-model motion's, so the landmarks the body model
"films" (course.synthetic_landmarks.landmark_sequence) belong to the clip's frames. The real clips are
used only where HINGE_CLIPS_DIR points at them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from course.analysis import encode, overlay, subtitles
from course.analysis.annotate import AnnotatedVideo, annotate_clip
from course.analysis.faults import find_faults
from course.analysis.kinematics import MotionTrack, measure_motion
from course.analysis.overlay import ANGLE_COLOURS, BANNER_COLOUR, Painter, hershey_text
from course.analysis.presenting import Flash
from course.analysis.problems import ClipTooLong
from course.analysis.report import Report, build_report
from course.analysis.subtitles import SUBTITLE_LINE_CHARS, shorten, vtt_time
from course.analysis.video import VideoInfo, probe, read_frames
from course.content import load_course
from course.landmarks import Camera, Landmark, LandmarkSequence
from course.motions import locked_knee_hinge
from course.settings import ClipLimits
from course.synthetic_landmarks import Dropout, landmark_sequence
from course.thresholds import BANNER_HOLD, BANNER_LEAD
from tests.annotated_video import COLOUR_TOL, GREY, HEIGHT, WIDTH, decoded, parse_vtt
from tests.clip_factory import write_clip
from tests.real_clips import CLIPS, needs_clips

L = Landmark

SKELETON_DIFF = 60  # 0..255: a drawn line changes the grey picture by at least this
TIME_TOL_S = 0.002  # seconds: timestamps pass through 1 ms and 1/90000 s clocks
BANNER_SHARE = 0.05  # share of the picture the banner covers at least (0..1)
DROPPED_S = (3.25, 3.45)  # seconds: the body-model person is lost here, at the rep's bottom


@dataclass(frozen=True)
class Case:
    """A synthetic clip, its analysis and what annotate_clip made of it."""

    clip: Path
    info: VideoInfo
    seq: LandmarkSequence
    track: MotionTrack
    report: Report
    result: AnnotatedVideo
    progress: list[tuple[int, int | None]]


def make_case(
    folder: Path, *, portrait: bool = False, variable_rate: bool = False, dropped: tuple[float, float] | None = None
) -> Case:
    """A one-rep locked-knee hinge filmed side-on, written as a grey clip whose frame times are
    the motion's, analysed from the body model's landmarks, then annotated.

    portrait: stored landscape with a quarter-turn display matrix, as phones do. variable_rate:
    every 4th frame left out, so frames come 33 and 67 ms apart. dropped: seconds during
    which the tracker finds nobody."""
    folder.mkdir(parents=True, exist_ok=True)
    width, height = (HEIGHT, WIDTH) if portrait else (WIDTH, HEIGHT)
    motion = locked_knee_hinge()
    seq = landmark_sequence(
        motion,
        Camera.side_view("left", width_px=width, height_px=height),
        dropouts=[Dropout(*dropped)] if dropped else (),
    )
    if variable_rate:
        keep = np.arange(len(seq)) % 4 != 2
        seq = LandmarkSequence(
            t_s=seq.t_s[keep],
            image=seq.image[keep],
            world=seq.world[keep],
            visibility=seq.visibility[keep],
            width_px=width,
            height_px=height,
        )
    stored = np.full((HEIGHT, WIDTH, 3), GREY, np.uint8)  # landscape, turned upright on reading
    clip = write_clip(
        folder / "clip.mp4",
        images=[stored] * len(seq),
        rate=30,
        rotation=90 if portrait else None,
        times_ms=[round(1000 * t) for t in seq.t_s] if variable_rate else None,
    )
    info = probe(clip)
    track = measure_motion(seq)
    report = build_report(track, find_faults(track, "side"), load_course().cues, view="side", people=1)
    calls: list[tuple[int, int | None]] = []
    out = folder / "out"
    out.mkdir()
    result = annotate_clip(
        clip, info, seq, track, report, out, progress=lambda done, total: calls.append((done, total))
    )
    return Case(clip, info, seq, track, report, result, calls)


@pytest.fixture(scope="module")
def steady(tmp_path_factory) -> Case:
    return make_case(tmp_path_factory.mktemp("steady"), dropped=DROPPED_S)


@pytest.fixture(scope="module")
def uneven(tmp_path_factory) -> Case:
    return make_case(tmp_path_factory.mktemp("uneven"), variable_rate=True)


@pytest.fixture(scope="module")
def portrait(tmp_path_factory) -> Case:
    return make_case(tmp_path_factory.mktemp("portrait"), portrait=True)


def input_times(case: Case) -> list[float]:
    return [frame.t_s for frame in read_frames(case.clip, case.info)]


def at(case: Case, t_s: float) -> int:
    """The frame index nearest t_s."""
    return int(np.argmin(np.abs(case.seq.t_s - t_s)))


def in_video(case: Case, point: np.ndarray) -> tuple[int, int]:
    """Pixels in the annotated video of a normalised point of the whole upright picture."""
    x0, y0, x1, y1 = case.result.crop or (0, 0, case.info.width, case.info.height)
    x, y = point * [case.info.width, case.info.height]
    return (
        round((x - x0) * case.result.width / (x1 - x0)),
        round((y - y0) * case.result.height / (y1 - y0)),
    )


def changed_around(image: np.ndarray, x: int, y: int, reach: int = 3) -> bool:
    """True when the picture within `reach` pixels of (x, y) is no longer the plain grey."""
    patch = image[max(0, y - reach) : y + reach + 1, max(0, x - reach) : x + reach + 1]
    return int(np.abs(patch.astype(int) - GREY).max()) >= SKELETON_DIFF


def banner_pixels(image: np.ndarray) -> float:
    """The share of the picture in the banner's colour."""
    close = np.abs(image.astype(int) - np.array(BANNER_COLOUR)).max(axis=2) < COLOUR_TOL
    return float(close.mean())


# --------------------------------------------------------------------------------------------
# The video a browser gets


def test_video_is_h264_yuv420p_in_mp4(steady):
    (codec, pix_fmt, _), _, _ = decoded(steady.result.video_path)
    assert (codec, pix_fmt) == ("h264", "yuv420p")
    assert steady.result.video_path.read_bytes()[4:8] == b"ftyp"


def test_index_comes_before_the_picture_data_so_browsers_start_playing_early(steady):
    data = steady.result.video_path.read_bytes()
    assert 0 <= data[:1024].find(b"moov") < data.find(b"mdat")


def test_every_input_frame_is_written_once(steady):
    _, times, _ = decoded(steady.result.video_path)
    assert len(times) == steady.result.frames == len(input_times(steady)) == len(steady.seq)


def test_duration_matches_the_input_within_a_frame(steady):
    (_, _, duration), _, _ = decoded(steady.result.video_path)
    frame_s = 1 / steady.info.fps
    assert duration == pytest.approx(steady.info.duration_s, abs=frame_s)
    assert steady.result.duration_s == pytest.approx(duration, abs=TIME_TOL_S)


def test_frames_keep_their_own_times_in_a_variable_rate_clip(uneven):
    _, times, _ = decoded(uneven.result.video_path)
    expected = input_times(uneven)
    assert len(set(np.round(np.diff(expected), 2))) > 1, "the input must be uneven"
    assert np.allclose(times, expected, atol=TIME_TOL_S)


def test_a_person_small_in_the_picture_is_cut_out_at_an_even_size_and_the_crops_shape(steady):
    x0, y0, x1, y1 = steady.result.crop  # the body model's lifter spans about half the height
    _, _, images = decoded(steady.result.video_path)
    assert images[0].shape[:2] == (steady.result.height, steady.result.width)
    assert steady.result.width % 2 == 0 and steady.result.height % 2 == 0
    assert (x1 - x0) * (y1 - y0) < 0.5 * WIDTH * HEIGHT
    assert steady.result.width / steady.result.height == pytest.approx((x1 - x0) / (y1 - y0), rel=0.02)
    assert steady.result.height > HEIGHT, "a small crop is enlarged, so its labels are drawn sharp"


def test_portrait_phone_clip_comes_out_portrait(portrait):
    _, _, images = decoded(portrait.result.video_path)
    assert images[0].shape[:2] == (portrait.result.height, portrait.result.width)
    assert portrait.result.height > portrait.result.width


def test_odd_sized_frames_lose_their_last_row_and_column(tmp_path):
    images = [np.full((121, 161, 3), GREY, np.uint8)] * 4
    path = tmp_path / "odd.mp4"
    count, _, width, height = encode.encode_mp4(
        ((image[:120, :160].copy(), i / 30) for i, image in enumerate(images)), path, fps=30
    )
    assert (count, width, height) == (4, 160, 120)
    with pytest.raises(ValueError, match="even"):
        encode.encode_mp4([(images[0], 0.0)], tmp_path / "bad.mp4", fps=30)


def test_progress_reaches_every_frame(steady):
    done = [d for d, _ in steady.progress]
    assert done == sorted(done)
    assert steady.progress[-1] == (len(steady.seq), len(steady.seq))


def test_a_failure_leaves_nothing_behind(tmp_path, steady):
    out = tmp_path / "out"
    out.mkdir()

    class Stop(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        raise Stop

    with pytest.raises(Stop):
        annotate_clip(steady.clip, steady.info, steady.seq, steady.track, steady.report, out, progress=stop)
    assert list(out.iterdir()) == []


def test_clip_problem_while_decoding_reaches_the_caller_and_leaves_nothing(tmp_path, steady):
    info = dataclasses.replace(steady.info, limits=ClipLimits(max_clip_seconds=5))
    with pytest.raises(ClipTooLong):
        annotate_clip(steady.clip, info, steady.seq, steady.track, steady.report, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_encoder_thread_failure_reaches_the_caller(tmp_path):
    good = np.full((120, 160, 3), GREY, np.uint8)
    bad = good.astype(np.float64)  # OpenCV's colour conversion refuses 64-bit floats
    frames = [(good, 0.0), (bad, 1 / 30)] + [(good, i / 30) for i in range(2, 40)]
    with pytest.raises(encode.cv2.error):
        encode.encode_mp4(frames, tmp_path / "x.mp4", fps=30, threaded=True)


def test_max_side_below_the_floor_is_refused(tmp_path, steady):
    with pytest.raises(ValueError, match="max_side"):
        annotate_clip(steady.clip, steady.info, steady.seq, steady.track, steady.report, tmp_path, max_side=100)


# --------------------------------------------------------------------------------------------
# What is drawn


def test_skeleton_is_drawn_on_the_near_hip(steady):
    _, _, images = decoded(steady.result.video_path)
    row = at(steady, 1.0)
    assert changed_around(images[row], *in_video(steady, steady.seq.image[row, L.LEFT_HIP, :2]))


def test_skeleton_follows_the_upright_picture_of_a_portrait_clip(portrait):
    _, _, images = decoded(portrait.result.video_path)
    row = at(portrait, 1.0)
    assert changed_around(images[row], *in_video(portrait, portrait.seq.image[row, L.LEFT_KNEE, :2]))
    # the bottom corner farthest from the person is left plain
    seen = portrait.seq.visibility[row] > 0
    points = np.array([in_video(portrait, p) for p in portrait.seq.image[row, seen, :2]])
    width, height = portrait.result.width, portrait.result.height
    corner = max(([6, height - 6], [width - 6, height - 6]), key=lambda c: np.hypot(*(points - c).T).min())
    assert np.hypot(*(points - corner).T).min() > 20
    assert not changed_around(images[row], *corner)


def test_fault_banner_shows_at_the_bottom_of_the_rep_and_not_while_standing_tall(steady):
    (finding,) = steady.report.faults
    rep = steady.track.reps[0]
    _, _, images = decoded(steady.result.video_path)
    assert finding.id == "locked_knees" and finding.end_s == pytest.approx(steady.seq.t_s[rep.bottom_i])
    assert banner_pixels(images[rep.bottom_i - 3]) > BANNER_SHARE
    # the finding starts where the way down does, standing tall: no banner there yet
    assert banner_pixels(images[at(steady, finding.start_s + 0.1)]) == 0.0
    assert banner_pixels(images[at(steady, finding.end_s - BANNER_LEAD.value - 0.2)]) == 0.0
    assert banner_pixels(images[at(steady, finding.end_s + BANNER_HOLD.value + 0.3)]) == 0.0


def test_frame_without_a_person_is_left_as_it_was(steady):
    _, _, images = decoded(steady.result.video_path)
    image = images[at(steady, sum(DROPPED_S) / 2)]
    assert not steady.seq.visibility[at(steady, sum(DROPPED_S) / 2)].any()
    assert np.abs(image.astype(int) - GREY).max() < COLOUR_TOL


def test_rep_label_is_drawn_during_the_rep_only(steady):
    _, _, images = decoded(steady.result.video_path)
    rep = steady.track.reps[0]
    corner = (slice(0, HEIGHT // 8), slice(0, WIDTH // 4))  # the rep label's corner
    before = images[at(steady, rep.start_s - 0.2)][corner]
    during = images[at(steady, rep.start_s + 0.2)][corner]
    assert np.abs(before.astype(int) - GREY).max() < COLOUR_TOL
    assert np.abs(during.astype(int) - GREY).max() >= SKELETON_DIFF


def test_angles_are_labelled_only_where_the_camera_saw_the_side_of_the_body(tmp_path, steady):
    def hip_label_pixels(report: Report) -> int:
        out = tmp_path / report.view
        out.mkdir()
        result = annotate_clip(steady.clip, steady.info, steady.seq, steady.track, report, out)
        _, _, images = decoded(result.video_path)
        image = images[steady.track.reps[0].bottom_i].astype(int)
        return int((np.abs(image - ANGLE_COLOURS["hip"]).max(axis=2) < COLOUR_TOL).sum())

    assert hip_label_pixels(steady.report) > 0
    # from in front no rule can be judged, and the page shows no angles either
    front = build_report(steady.track, find_faults(steady.track, "front"), load_course().cues, view="front", people=1)
    assert hip_label_pixels(front) == 0


@pytest.mark.parametrize("size", [(WIDTH, HEIGHT), (HEIGHT, WIDTH), (720, 404), (404, 720)])
def test_every_cue_title_fits_the_banner_in_two_lines(size):
    painter = Painter(*size, side="left", facing="left")
    for cue in load_course().cues.values():
        scale, lines, _, _ = painter._banner_layout(hershey_text(cue.title))
        widths = [overlay.cv2.getTextSize(line, overlay.FONT, scale, overlay._thickness(scale))[0][0] for line in lines]
        assert len(lines) <= 2 and max(widths) <= size[0] - 2 * painter.margin, cue.title


def test_labels_stay_whole_inside_the_frame_when_the_joints_are_at_its_edge():
    painter = Painter(240, 320, side="left", facing="left")
    canvas = np.full((320, 240, 3), GREY, np.uint8)
    points = np.full((len(Landmark), 2), 0.99)  # every joint in the bottom-right corner...
    points[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1] = 0.6  # ...but the shoulders
    painter.paint(
        canvas,
        points,
        np.ones(len(Landmark)),
        {"hip": 120.0, "knee": 30.0, "trunk": 100.0},
        "Rep 10 of 12",
        ["You looked up and cranked your neck"],
    )
    for name, colour in ANGLE_COLOURS.items():
        rows, cols = np.nonzero(np.abs(canvas.astype(int) - colour).max(axis=2) < COLOUR_TOL)
        assert rows.size, f"{name} label missing"
        assert cols.max() < 239 and rows.max() < 319, f"{name} label cut off at the edge"


def test_text_for_the_picture_is_plain_ascii():
    assert hershey_text("Knees’ “bend” – 84° …") == 'Knees\' "bend" - 84 deg ...'
    assert hershey_text("naïve") == "nave"


# --------------------------------------------------------------------------------------------
# The subtitles


def test_subtitles_are_valid_webvtt_with_increasing_cues(steady):
    cues = parse_vtt(steady.result.subtitles_path.read_text(encoding="utf-8"))
    assert cues
    starts = [start for start, _, _ in cues]
    assert starts == sorted(starts)
    for start, end, lines in cues:
        assert 0 <= start < end <= steady.result.duration_s + TIME_TOL_S
        assert lines and all(line.strip() for line in lines) and len(lines) <= 2


def test_subtitles_have_a_cue_for_each_reps_thing_to_work_on_and_each_rep(steady, uneven):
    for case in (steady, uneven):
        cues = parse_vtt(case.result.subtitles_path.read_text(encoding="utf-8"))
        for cue in case.report.cues:
            for rep in cue.reps:
                (finding,) = [f for f in case.report.faults if f.id == cue.fault and f.rep == rep]
                assert any(
                    lines[0].startswith(f"Rep {rep}: {cue.title}")
                    and start == pytest.approx(finding.end_s - BANNER_LEAD.value, abs=TIME_TOL_S)
                    for start, _, lines in cues
                ), finding
        for rep in case.track.reps:
            assert any(lines == [f"Rep {rep.number} of {len(case.track.reps)}"] for _, _, lines in cues)


def test_fault_subtitle_gives_the_first_words_of_what_to_try(steady):
    cues = parse_vtt(steady.result.subtitles_path.read_text(encoding="utf-8"))
    (lines,) = [lines for _, _, lines in cues if len(lines) == 2]
    (cue,) = steady.report.cues
    assert lines == [f"Rep 1: {cue.title} —", shorten(cue.try_this)]
    assert len(lines[1]) <= SUBTITLE_LINE_CHARS and cue.try_this.startswith(lines[1][:-1])


def test_vtt_times_are_hours_minutes_seconds_and_milliseconds():
    assert vtt_time(0) == "00:00:00.000"
    assert vtt_time(3725.5004) == "01:02:05.500"
    assert vtt_time(-0.01) == "00:00:00.000"


@pytest.mark.parametrize(
    "text, short",
    [
        ("Count it. Then stand up.", "Count it…"),
        ("Brace before you go down, keep your chest proud and stop the rep.", "Brace before you go down…"),
        (
            "Start each rep by pushing your hips back towards a wall behind you, and let go.",
            "Start each rep by pushing your hips back…",
        ),
        ("Stand tall.", "Stand tall."),
    ],
)
def test_advice_is_shortened_to_one_subtitle_line(text, short):
    assert shorten(text) == short
    assert len(shorten(text)) <= SUBTITLE_LINE_CHARS


def test_subtitle_text_cannot_break_the_file():
    flash = Flash(1.0, 2.0, "Rep 1: <b>knees</b> & --> hips", 1, "locked_knees")
    text = subtitles.webvtt([flash])
    assert "<b>" not in text and "&amp;" in text and text.count("-->") == 1


# --------------------------------------------------------------------------------------------
# A real clip


@needs_clips
@pytest.mark.slow
def test_real_clip_gives_a_playable_h264_of_the_same_length(tmp_path):
    from course.analysis.pose import track_pose

    clip = CLIPS / "kb-deadlift-side.mp4"
    info = probe(clip)
    seq = track_pose(read_frames(clip, info), info.width, info.height)
    track = measure_motion(seq)
    report = build_report(track, find_faults(track, "side"), load_course().cues, view="side", people=1)
    result = annotate_clip(clip, info, seq, track, report, tmp_path)
    (codec, pix_fmt, duration), times, _ = decoded(result.video_path)
    assert (codec, pix_fmt) == ("h264", "yuv420p")
    assert len(times) == len(seq)
    assert duration == pytest.approx(info.duration_s, abs=1 / info.fps)
    assert parse_vtt(result.subtitles_path.read_text(encoding="utf-8"))


def test_frames_kept_from_the_pose_pass_make_the_same_video_as_decoding_again(tmp_path, steady):
    from course.analysis.video import read_frames

    kept = list(read_frames(steady.clip, steady.info, max_side=720))
    out = tmp_path / "kept"
    out.mkdir()
    again = annotate_clip(steady.clip, steady.info, steady.seq, steady.track, steady.report, out, frames=kept)
    assert (again.frames, again.width, again.height) == (
        steady.result.frames,
        steady.result.width,
        steady.result.height,
    )
    assert again.duration_s == pytest.approx(steady.result.duration_s)
    assert again.subtitles_path.read_text() == steady.result.subtitles_path.read_text()
    _, times, images = decoded(again.video_path)
    _, times_before, images_before = decoded(steady.result.video_path)
    assert times == times_before
    assert max(np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(images, images_before, strict=True)) < 2


def test_an_analysis_keeps_small_frames_only_when_they_fit_the_memory_budget(steady, monkeypatch):
    import dataclasses

    import course.analysis.check as check

    assert check._small_frames_fit(steady.info, 480)
    monkeypatch.setattr(check, "KEEP_FOR_VIDEO_MB", 0.001)
    assert not check._small_frames_fit(steady.info, 480)
    assert not check._small_frames_fit(dataclasses.replace(steady.info, frame_count=None), 480)


@needs_clips
@pytest.mark.slow
def test_an_encoder_failure_keeps_the_finished_report_and_says_the_video_is_missing(tmp_path, monkeypatch):

    import course.analysis.check as check

    def encoder_fails(*args, **kwargs):
        raise av.error.FFmpegError(-22, "libx264 refused the frame")

    monkeypatch.setattr(check, "annotate_clip", encoder_fails)
    analysis = check.analyse_clip(CLIPS / "kb-deadlift-side.mp4", annotate_in=tmp_path)
    assert analysis.report.outcome == "judged" and analysis.report.reps
    assert analysis.video is None and analysis.subtitles is None
    assert check.NO_ANNOTATED_VIDEO in analysis.report.notes
