"""The whole self-check on real clips filmed by strangers, against what a coach saw in each.

The clips live outside the project (they carry no licence); .ci/run points HINGE_CLIPS_DIR at
them. Each clip's label says its reps, the faults that must be reported, the faults that must
not, and whether it should be judged, partly judged or refused.
"""

from __future__ import annotations

import pytest
import yaml

from tests.real_clips import CLIPS, needs_clips

pytestmark = [needs_clips, pytest.mark.slow]


def labels() -> list[dict]:
    if CLIPS is None:
        return []
    return yaml.safe_load((CLIPS / "labels.yaml").read_text())["clips"]


@pytest.fixture
def report_of(real_clip_analysis):
    """report_of(file): the JSON report of the labelled clip, analysed once for the whole run."""
    return lambda file: real_clip_analysis(file, annotated=False).report.to_json()


def ids(items: list[dict]) -> list[str]:
    return [item["file"] for item in items]


@pytest.mark.parametrize("label", labels(), ids=ids(labels()))
def test_clip_is_judged_partly_judged_or_refused_as_labelled(label, report_of):
    report = report_of(label["file"])
    if label["expect"] == "refused":
        assert report["outcome"] == "refused", report["message"]
        assert report["message"] and report["problem"]
    else:
        assert report["outcome"] in ("judged", "partial"), report["message"]
    if label["expect"] == "partial":
        assert report["outcome"] == "partial" and report["not_judged"]


@pytest.mark.parametrize(
    "label",
    [c for c in labels() if c["expect"] != "refused"],
    ids=ids([c for c in labels() if c["expect"] != "refused"]),
)
def test_reps_are_counted_as_a_coach_counts_them(label, report_of):
    assert len(report_of(label["file"])["reps"]) == label["reps"]


@pytest.mark.parametrize("label", labels(), ids=ids(labels()))
def test_labelled_faults_are_found_and_cleared_ones_are_not(label, report_of):
    found = {fault["id"] for fault in report_of(label["file"])["faults"]}
    assert set(label.get("faults", [])) <= found
    assert not set(label.get("not_faults", [])) & found


@pytest.mark.parametrize(
    "label",
    [c for c in labels() if c["view"] == "side" and c["expect"] == "judged"],
    ids=ids([c for c in labels() if c["view"] == "side" and c["expect"] == "judged"]),
)
def test_every_cue_links_to_a_real_lesson_section(label, report_of):
    from course.content import load_course

    course = load_course()
    for cue in report_of(label["file"])["cues"]:
        headings = [section.heading for section in course.lesson(cue["lesson_id"]).sections]
        assert cue["section"] in headings


ROUNDED = [c for c in labels() if "rounded_back" in c.get("faults", []) and c["view"] == "side"]


@pytest.mark.parametrize("label", ROUNDED, ids=ids(ROUNDED))
def test_a_rounded_back_filmed_side_on_is_seen_on_the_outline_of_the_back_itself(label, report_of):
    measures = {fault["measure"] for fault in report_of(label["file"])["faults"] if fault["id"] == "rounded_back"}
    assert measures == {"back outline"}
