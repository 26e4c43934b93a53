"""The messages a learner reads when a clip can't be judged."""

import re

import pytest

from course.analysis import problems
from course.analysis.problems import (
    PROBLEMS,
    ClipProblem,
    ClipTooLarge,
    ClipTooLong,
    ClipTooShort,
    UnsupportedFormat,
)

# Words that mean nothing to a gym member: library names, error jargon.
JARGON = re.compile(
    r"ffmpeg|pyav|\bav\b|mediapipe|codec|demux|errno|traceback|exception|"
    r"stream|container|landmark|none\b|nan\b|\{|\}",
    re.IGNORECASE,
)
EXPECTED_CODES = {
    "not_a_video",
    "unsupported_format",
    "empty_file",
    "broken_clip",
    "no_video_track",
    "clip_too_large",
    "clip_too_long",
    "clip_too_short",
    "no_person_found",
    "more_people_than_one",
    "too_dark",
}


def test_every_promised_problem_exists_with_its_stable_code():
    assert set(PROBLEMS) >= EXPECTED_CODES
    assert all(code == cls.code for code, cls in PROBLEMS.items())


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_each_message_is_plain_words_that_say_what_to_do(code):
    message = str(PROBLEMS[code]())
    assert re.fullmatch(r"[a-z_]+", code)
    assert 40 < len(message) < 400
    assert message[0].isupper() and message.endswith(".")
    assert not JARGON.search(message), message
    assert re.search(r"\b(please|film|upload|trim|try|switch|choose)\b", message, re.IGNORECASE), (
        "the message must say what to do next"
    )


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_each_problem_is_caught_as_a_clip_problem_and_reports_its_code(code):
    problem = PROBLEMS[code]()
    assert isinstance(problem, ClipProblem)
    assert problem.to_dict() == {"code": code, "message": str(problem)}


@pytest.mark.parametrize(
    "cls",
    [
        problems.NotAVideo,
        problems.UnsupportedFormat,
        problems.EmptyFile,
        problems.BrokenClip,
        problems.NoVideoTrack,
        ClipTooLarge,
        ClipTooLong,
        ClipTooShort,
    ],
)
def test_problems_with_the_file_are_also_value_errors(cls):
    with pytest.raises(ValueError):
        raise cls()


def test_too_large_names_the_size_and_the_limit_in_megabytes():
    message = str(ClipTooLarge(350_000_000, 200_000_000))
    assert "350 MB" in message and "200 MB" in message


def test_too_long_gives_minutes_for_long_clips():
    message = str(ClipTooLong(150.0, 90.0))
    assert "2 min 30 s" in message and "90 seconds" in message


def test_too_short_says_a_single_picture_for_one_frame():
    assert "single picture" in str(ClipTooShort(0.03, 1))
    assert "0.5 seconds" in str(ClipTooShort(0.5, 15))


def test_unsupported_format_names_the_format_and_the_ones_we_take():
    message = str(UnsupportedFormat("mkv", ("mp4", "mov", "webm")))
    assert "MKV" in message and "MP4, MOV or WebM" in message


def test_a_clip_just_over_the_length_limit_never_reads_as_equal_to_it():
    from course.analysis.problems import ClipTooLong

    message = str(ClipTooLong(90.4, 90.0))
    assert "runs 90.4 seconds; we check clips up to 90.0 seconds" in message


def test_a_clip_just_over_the_size_limit_never_reads_as_equal_to_it():
    from course.analysis.problems import MEGABYTE, ClipTooLarge

    message = str(ClipTooLarge(int(1.19 * MEGABYTE), MEGABYTE))
    assert "too big at 1.2 MB; we can take up to 1.0 MB" in message
