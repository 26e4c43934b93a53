"""A phone that is not level, on real clips: frames turned in code, judged as the level clip was.

The frames of real side-on clips are turned by 5 to 15 degrees (as a phone propped crooked
films them) and analysed end to end: the lean, lean-back and hip-travel rules must read the
true vertical (from the room's lines, or the lifter's legs where the room is a plain backdrop),
so no fault appears that the level clip does not have, and the outcome stays as labelled.
"""

from __future__ import annotations

from functools import cache

import cv2
import pytest

from tests.clip_factory import real_frames, write_frames
from tests.real_clips import needs_clips

pytestmark = [needs_clips, pytest.mark.slow]
ZOOM = 1.12  # enlarge while turning, so that the corners the turn uncovers are mostly outside the picture


def turned_frames(name: str, clockwise_deg: float, seconds: float = 12.0):
    out = []
    for t, image in real_frames(name, seconds=seconds):
        height, width = image.shape[:2]
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), -clockwise_deg, ZOOM)  # OpenCV: + is anticlockwise
        out.append((t, cv2.warpAffine(image, turn, (width, height), borderMode=cv2.BORDER_REPLICATE)))
    return out


@cache
def report_of(name: str, clockwise_deg: float, folder: str) -> dict:
    from pathlib import Path

    from course.analysis.check import check_clip

    # the level clip goes through the same zoom and crop, so that only the turn differs
    clip = write_frames(Path(folder) / f"{name}-{clockwise_deg:+.0f}.mp4", turned_frames(name, clockwise_deg))
    return check_clip(clip).to_json()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("tilted"))


VERTICAL = {"lean_back_at_top", "hips_not_back"}


@pytest.mark.parametrize(
    "name, clockwise_deg",
    [
        ("kb-deadlift-side.mp4", 10.0),  # a rack and wall panels beside the lifter
        ("kb-deadlift-side.mp4", -15.0),
        ("deadlift-side-2reps.mp4", 15.0),  # a plain white studio: only the lifter's legs show the vertical
    ],
)
def test_a_turned_phone_finds_no_lean_or_hip_fault_the_level_clip_does_not_have(name, clockwise_deg, folder):
    level, tilted = report_of(name, 0.0, folder), report_of(name, clockwise_deg, folder)
    found = {f["id"] for f in tilted["faults"]}
    assert not (found & VERTICAL) - {f["id"] for f in level["faults"]}, tilted["faults"]
    assert tilted["outcome"] in ("judged", "partial"), "a tilt is never a reason to refuse"
    assert len(tilted["reps"]) == len(level["reps"])


def test_the_tilt_of_a_turned_phone_is_measured_from_the_room(folder):
    report = report_of("kb-deadlift-side.mp4", 10.0, folder)
    assert report["clip"]["level"] in ("scene", "scene+body")
    assert report["clip"]["up_deg"] == pytest.approx(10.0, abs=2.0)
