"""The analysis cache the tests share (tests/real_clips.py): one analysis per clip content,
exercise and settings, and what it gives back is what analyse_clip would have."""

from __future__ import annotations

import shutil

import pytest

from tests.clip_factory import write_clip
from tests.real_clips import needs_clips


@pytest.mark.slow
def test_the_same_bytes_under_another_name_are_analysed_once_and_another_exercise_again(analysis_cache, tmp_path):
    clip = write_clip(tmp_path / "clip.mp4")
    copy = shutil.copy(clip, tmp_path / "same-clip.mov")
    before = analysis_cache.runs
    first = analysis_cache.analyse(clip)
    assert analysis_cache.analyse(copy) is first
    assert analysis_cache.runs == before + 1
    other = analysis_cache.analyse(clip, exercise="kettlebell_deadlift")
    assert other is not first and analysis_cache.runs == before + 2


@needs_clips
@pytest.mark.slow
def test_a_clip_asked_for_without_its_video_comes_without_it_as_analyse_clip_gives_it(real_clip_analysis):
    drawn = real_clip_analysis("kb-deadlift-side.mp4")
    plain = real_clip_analysis("kb-deadlift-side.mp4", annotated=False)
    assert drawn.video and drawn.subtitles and "annotate" in drawn.report.timings
    assert plain.video is None and plain.subtitles is None and "annotate" not in plain.report.timings
    assert plain.report.reps == drawn.report.reps and plain.report.verdict == drawn.report.verdict
