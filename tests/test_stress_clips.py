"""The self-check on stress cases made from the real clips (tests/stress.py): a rolled phone, a
bystander far behind, a second lifter beside, the person taken out. Each case's answer is known
from how it was made; the real clips are never committed (HINGE_CLIPS_DIR)."""

from __future__ import annotations

import re
from functools import cache

import pytest

from course.analysis.check import check_clip
from tests.real_clips import CLIPS, needs_clips
from tests.stress import STRESS_CASES, Frames, Person, StressCase, find_person, read_frames, write_frames

# Cases whose honest answer the self-check does not give yet (benchmarks/accuracy.py --stress
# shows them): where a plate lies inside the body's outline (over the knees, or over the hips of
# someone standing tall), the segmentation model draws it into the person's silhouette, so the
# joints behind it count as seen and its guesses are judged. A plate reaching past the outline
# (the bar on the floor) is left out of the silhouette and handled. For the same reason a skeleton
# drawn where a deadlifter was, beside the barbell's plates, is sometimes taken for a person.
NOT_YET = {"plate over the knees", "barbell plate in front", "person removed, skeleton drawn@deadlift-side-2reps.mp4"}


@cache
def source(name: str, seconds: float) -> tuple[Frames, Person]:
    frames = read_frames(CLIPS / name, seconds=seconds)
    return frames, find_person(frames)


def slug(case: StressCase) -> str:
    return re.sub(r"\W+", "-", f"{case.source.removesuffix('.mp4')} {case.name}").strip("-")


CASES = [case for case in STRESS_CASES if case.name not in NOT_YET and f"{case.name}@{case.source}" not in NOT_YET]


@needs_clips
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=slug)
def test_a_stress_case_gets_its_known_answer(case, tmp_path):
    frames, person = source(case.source, case.seconds)
    clip = write_frames(tmp_path / f"{slug(case)}.mp4", case.derive(frames, person))
    report = check_clip(clip).to_json()
    found = {fault["id"] for fault in report["faults"]}
    said = " ".join([report["message"], *report["notes"], *(item["why"] for item in report["not_judged"])])
    assert report["outcome"] in case.outcome, said
    assert report["problem"] == case.problem
    if case.reps is not None:
        assert len(report["reps"]) == case.reps
    assert not found & case.must_not_find, (
        f"{sorted(found & case.must_not_find)} were made by the camera, not the lifter"
    )
    assert case.must_find <= found, f"{sorted(case.must_find - found)} were hidden by the camera"
    assert case.note in said
