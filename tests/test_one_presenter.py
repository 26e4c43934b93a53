"""One report, four places: the self-check page, the trainer's dashboard, the hinge-check text
and the annotated video say the same thing about it (course.analysis.presenting decides it).

Each report is made in code from the body model's hinges (course.motions, filmed side-on by
course.synthetic_landmarks and measured as a clip is), then judged as the case needs: from in
front (nothing can be judged, so no angles anywhere), with its second rep left out, and with
one rep that leaned back at the top and also dropped into the bottom (its thing to work on is
the lean, so the video's banner says that and nothing else). The same Report is then fed to
the page (AppTest, as an upload's analysis), the dashboard (handed in by a member, read from
the store), the command line (main, as its analysis) and annotate_clip (a grey clip with the
motion's frame times).
"""

from __future__ import annotations

import dataclasses
import io
import re
from contextlib import closing, redirect_stdout
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import numpy as np
import pytest

import course.analysis.check as check
import course.views.self_check as page
import course.views.session as session
from course.analysis.annotate import annotate_clip
from course.analysis.check import Analysis
from course.analysis.faults import Finding, NotJudged, find_faults
from course.analysis.kinematics import measure_motion
from course.analysis.overlay import ANGLE_COLOURS
from course.analysis.presenting import Presentation, present
from course.analysis.report import Report, build_report
from course.analysis.video import probe
from course.cli import main
from course.content import load_course
from course.landmarks import Camera
from course.motions import MOTIONS
from course.store import open_store, rules
from course.synthetic_landmarks import landmark_sequence
from course.thresholds import LEAN_BACK, RUSHED_DESCENT
from tests.annotated_video import COLOUR_TOL, GREY, HEIGHT, WIDTH, decoded, parse_vtt
from tests.clip_factory import write_clip
from tests.page_harness import CHEAP_HASHER, forget_store, member, trainer
from tests.page_harness import app as course_app
from tests.page_harness import shown as course_shown
from tests.self_check_harness import app as self_check_app
from tests.self_check_harness import shown as self_check_shown

COURSE = load_course()
CUES = COURSE.cues
LEFT_OUT = "Rep 2 was too shallow to judge (hips bent 12°)."
HIP_LABEL_PIXELS = 20  # pixels in the hip label's colour: a drawn "hip 84" has hundreds, a plain grey frame none


@pytest.fixture(scope="module")
def filmed():
    """Two good hinges filmed side-on at the annotate tests' size: (landmarks, measured track)."""
    motion = MOTIONS["good_hinge"](reps=2)
    seq = landmark_sequence(
        motion, Camera.side_view("left", width_px=WIDTH, height_px=HEIGHT), noise_px=1.0, rng=np.random.default_rng(3)
    )
    return seq, measure_motion(seq)


def from_front(track) -> Report:
    return build_report(track, find_faults(track, "front"), CUES, view="front", people=1)


def second_rep_left_out(track) -> Report:
    judgement = find_faults(track, "side")
    judgement = dataclasses.replace(
        judgement,
        not_judged=(*judgement.not_judged, NotJudged("rep", LEFT_OUT, 2)),
        judged_reps={fault: reps - {2} for fault, reps in judgement.judged_reps.items()},
    )
    return build_report(track, judgement, CUES, view="side", people=1)


def leaned_back_and_dropped(track) -> Report:
    """Rep 1 leaned back at its lockout and dropped into its bottom; rep 2 was fine."""
    rep = track.reps[0]
    t = track.t_s
    lean = Finding("lean_back_at_top", 1, float(t[rep.end_i]), float(t[rep.end_i]), -9.0, LEAN_BACK.value, "deg", 0.9)
    drop = Finding(
        "rushed_descent", 1, float(t[rep.start_i]), float(t[rep.bottom_i]), 0.3, RUSHED_DESCENT.value, "s", 0.8
    )
    judgement = dataclasses.replace(find_faults(track, "side"), findings=(lean, drop))
    return build_report(track, judgement, CUES, view="side", people=1)


REPORTS = {
    "from the front": from_front,
    "second rep left out": second_rep_left_out,
    "leaned back and dropped": leaned_back_and_dropped,
}


def flat(text: str) -> str:
    """Text as read: Markdown's bold marks gone, every run of spaces and line breaks one space."""
    return " ".join(text.replace("**", "").split())


def on_the_page(mp: pytest.MonkeyPatch, analysis: Analysis) -> str:
    mp.setattr(page, "analyse_clip", lambda path, **options: analysis)
    at = self_check_app()
    at.file_uploader[0].upload("clip.mp4", b"a clip", "video/mp4").run()
    assert not at.exception
    return self_check_shown(at)


def on_the_dashboard(folder: Path, mp: pytest.MonkeyPatch, report: Report) -> str:
    """The dashboard of a trainer whose one member handed `report` in, in a store of its own."""
    mp.setenv(rules.DATA_DIR_SETTING, str(folder))
    mp.delenv(rules.DATABASE_URL_SETTING, raising=False)
    mp.setattr(session, "open_store", partial(open_store, hasher=CHEAP_HASHER))
    forget_store()
    with closing(open_store(data_dir=folder, hasher=CHEAP_HASHER)) as store:
        coach, amy = trainer(store, "tess"), member(store, "amy")
        group = store.create_group(coach, "Tuesday 7 pm")
        store.join_group(amy, group.join_code)
        work = store.create_assignment(
            coach,
            group.id,
            title="Week 1",
            due=date.today() + timedelta(days=7),
            lesson_ids=[],
            quiz_lesson_ids=[],
            self_check=True,
        )
        store.submit_self_check(amy, work.id, store.save_self_check(amy, report.to_json()).id)
        at = course_app("dashboard", account=coach)
    forget_store()
    assert not at.exception
    return course_shown(at)


def on_the_command_line(folder: Path, mp: pytest.MonkeyPatch, analysis: Analysis) -> str:
    mp.setattr(check, "analyse_clip", lambda path, **options: analysis)
    clip = folder / "clip.mp4"
    clip.write_bytes(b"a clip")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([str(clip)]) == 0
    return out.getvalue()


def on_the_video(folder: Path, seq, track, report: Report) -> tuple[list[str], int]:
    """The annotated clip's subtitles (each cue's text, lines joined) and how many pixels at
    the first rep's bottom are in the hip label's colour."""
    clip = write_clip(folder / "grey.mp4", images=[np.full((HEIGHT, WIDTH, 3), GREY, np.uint8)] * len(seq), rate=30)
    out = folder / "annotated"
    out.mkdir()
    result = annotate_clip(clip, probe(clip), seq, track, report, out)
    subtitles = [" ".join(lines) for _, _, lines in parse_vtt(result.subtitles_path.read_text(encoding="utf-8"))]
    _, _, images = decoded(result.video_path)
    image = images[track.reps[0].bottom_i].astype(int)
    return subtitles, int((np.abs(image - ANGLE_COLOURS["hip"]).max(axis=2) < COLOUR_TOL).sum())


@dataclass(frozen=True)
class Everywhere:
    """One report, its Presentation, and what each place showed of it. surfaces: the page's,
    the dashboard's and the command line's text (flat); subtitles: the annotated clip's;
    hip_label: pixels of the clip's hip label at the first rep's bottom."""

    report: Report
    said: Presentation
    surfaces: dict[str, str]
    subtitles: list[str]
    hip_label: int


@pytest.fixture(scope="module")
def everywhere(filmed, tmp_path_factory) -> dict[str, Everywhere]:
    """Each case's report fed to the page, the dashboard, the command line and the video (once
    for the module: each takes a few seconds)."""
    seq, track = filmed
    shown = {}
    for name, make in REPORTS.items():
        report = make(track)
        analysis = Analysis(report, track)
        folder = tmp_path_factory.mktemp("surfaces")
        with pytest.MonkeyPatch.context() as mp:
            surfaces = {
                "page": flat(on_the_page(mp, analysis)),
                "dashboard": flat(on_the_dashboard(folder / "data", mp, report)),
                "command line": flat(on_the_command_line(folder, mp, analysis)),
            }
        subtitles, hip_label = on_the_video(folder, seq, track, report)
        shown[name] = Everywhere(report, present(report, COURSE), surfaces, subtitles, hip_label)
    return shown


@pytest.mark.parametrize("case", list(REPORTS))
def test_every_place_says_the_same_verdict_cues_and_rep_lines(everywhere, case):
    report, said, surfaces, subtitles = (
        everywhere[case].report,
        everywhere[case].said,
        everywhere[case].surfaces,
        everywhere[case].subtitles,
    )
    for place, text in surfaces.items():
        assert flat(f"{report.verdict}. {report.message}") in text or (
            place == "command line" and text.startswith(flat(f"{report.verdict} {report.message}"))
        ), place
        for cue in said.cues:
            assert f"{cue.heading} · {cue.reps_words}" in text or f"{cue.heading} ({cue.reps_words})" in text, place
            assert flat(cue.try_this) in text, place
        for rep in said.reps:
            line = f"{rep.heading} · {rep.times} · {rep.words}" + (f" {rep.angles}" if rep.angles else "")
            assert flat(line) in text, (place, line)
        for line in said.not_judged:
            assert flat(line) in text, place
        assert "rushed descent" not in text.lower() and "lean_back" not in text, "never a fault's id"
    labels = [line for line in subtitles if re.fullmatch(r"Rep \d+ of \d+", line)]
    assert labels == [f"Rep {rep.number} of {len(report.reps)}" for rep in report.reps]
    banners = [line.split(" —")[0] for line in subtitles if line not in labels]
    assert banners == sorted(f"Rep {rep}: {cue.title}" for cue in said.cues for rep in cue.reps), (
        "the cues, no other fault"
    )


@pytest.mark.parametrize("case", list(REPORTS))
def test_angles_are_shown_everywhere_or_nowhere(everywhere, case):
    said, surfaces, hip_label = everywhere[case].said, everywhere[case].surfaces, everywhere[case].hip_label
    assert said.show_angles is (case != "from the front")
    for place, text in surfaces.items():
        assert ("At the bottom: hips" in text) is said.show_angles, place
    assert ("Your angles over time" in surfaces["page"]) is said.show_angles
    assert (hip_label > HIP_LABEL_PIXELS) is said.show_angles, "the annotated clip's angle labels"


def test_a_front_view_says_form_not_judged_on_every_rep_and_no_angle_anywhere(everywhere):
    said, surfaces = everywhere["from the front"].said, everywhere["from the front"].surfaces
    assert [rep.words for rep in said.reps] == ["form not judged from this camera angle"] * 2
    for place, text in surfaces.items():
        assert text.count("form not judged from this camera angle") == 2, place
        assert not re.search(r"\d+° \(±|\d+°±", text), f"no angle on the {place}"
        assert "nothing to fix" not in text, place


def test_a_rep_left_out_says_why_and_the_rep_judged_says_nothing_to_fix(everywhere):
    said, surfaces = everywhere["second rep left out"].said, everywhere["second rep left out"].surfaces
    assert [rep.words for rep in said.reps] == ["nothing to fix", LEFT_OUT]
    for place, text in surfaces.items():
        assert "· nothing to fix At the bottom" in text and f"· {LEFT_OUT}" in text, place


def test_a_lean_back_cue_is_the_only_banner_and_the_rep_line_names_both_faults_in_words(everywhere):
    case = everywhere["leaned back and dropped"]
    report, said, surfaces, subtitles = case.report, case.said, case.surfaces, case.subtitles
    lean, drop = CUES["lean_back_at_top"].title, CUES["rushed_descent"].title
    assert [cue.title for cue in said.cues] == [lean]
    assert said.reps[0].words == f"{lean}, {drop[:1].lower()}{drop[1:]}"
    assert [banner.text for banner in said.video.banners] == [lean]
    assert not any(drop in line for line in subtitles), "no banner for a fault that is not the rep's cue"
    assert any(line.startswith(f"Rep 1: {lean}") for line in subtitles)
    (banner,) = said.video.banners
    rep = report.reps[0]
    assert rep.start_s <= banner.start_s < banner.end_s <= rep.end_s, "the banner stays in its rep's time"
    for place, text in surfaces.items():
        assert f"{drop[:1].lower()}{drop[1:]}" in text, place
