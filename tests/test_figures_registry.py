"""Every named figure builds from the real course, fits a phone's download, and is used by a lesson."""

from __future__ import annotations

import pytest

from course.content import load_course
from course.figures import FIGURES, build_figure

MAX_FIGURE_JSON_BYTES = 1_000_000  # a figure must load quickly on a phone over a gym's Wi-Fi


@pytest.fixture(scope="module")
def course():
    return load_course()


def variants(course):
    for name, spec in FIGURES.items():
        for choice in spec.choices(course) or [None]:
            yield name, choice


@pytest.mark.parametrize("name", sorted(FIGURES))
@pytest.mark.slow
def test_every_figure_builds_under_one_megabyte(course, name):
    for choice in FIGURES[name].choices(course) or [None]:
        size = len(build_figure(course, name, choice).to_json())
        assert size < MAX_FIGURE_JSON_BYTES, f"{name} ({choice}) is {size:,} bytes"


def test_every_figure_is_shown_by_some_lesson_or_quiz(course):
    used = {figure.name for lesson in course.lessons for figure in lesson.figures}
    used |= {question.figure for lesson in course.lessons for question in lesson.quiz if question.figure}
    assert used == set(FIGURES)


@pytest.mark.parametrize("name", [name for name in sorted(FIGURES) if name.startswith("quiz-")])
@pytest.mark.slow
def test_a_quiz_figure_names_its_bodies_only_a_and_b(course, name):
    labels = [
        trace.text[0]
        for trace in build_figure(course, name).data
        if getattr(trace, "mode", None) == "text" and trace.text and "<b>" in trace.text[0]
    ]
    assert labels == ["<b>A</b>", "<b>B</b>"]


def test_the_spot_the_fault_questions_with_figures_show_a_mistake_beside_a_good_hinge(course):
    questions = [q for lesson in course.lessons for q in lesson.quiz if q.figure]
    assert len(questions) >= 2 and all(q.kind == "spot_the_fault" for q in questions)


def test_lessons_show_the_movements_they_talk_about(course):
    shown = {lesson.id: {figure.name for figure in lesson.figures} for lesson in course.lessons}
    assert {"hip-joint", "hip-vs-shoulder"} <= shown["your-hip-joint"]
    assert "hinge" in shown["what-is-a-hinge"]
    assert "hinge-vs-squat" in shown["what-is-a-hinge"] | shown["why-it-matters"]
    mistakes = {name for name in FIGURES if name.startswith("mistake-")}
    assert mistakes <= shown["common-mistakes"] | shown["more-mistakes"] | shown["why-it-matters"]
    assert shown["progressions"]


def test_every_cue_shows_its_own_fault_beside_a_good_hinge_where_its_lesson_teaches_the_fix(course):
    for fault, cue in course.cues.items():
        assert cue.figure.startswith("mistake-"), f"{fault} shows {cue.figure}, not its fault"
        shown_there = {figure.name for figure in course.lesson(cue.lesson_id).figures_after(cue.section)}
        assert cue.figure in shown_there, fault


def test_every_mistake_a_lesson_teaches_has_its_figure(course):
    for lesson_id, count in (("common-mistakes", 5), ("more-mistakes", 4)):
        lesson = course.lesson(lesson_id)
        numbered = [s.heading for s in lesson.sections if s.heading and s.heading[:1].isdigit()]
        assert len(numbered) == count, numbered
        for heading in numbered:
            assert lesson.figures_after(heading), f"{lesson_id}: '{heading}' has no figure"


def test_hip_joint_offers_each_of_the_six_motions(course):
    assert list(FIGURES["hip-joint"].choices(course)) == [
        "flexion",
        "extension",
        "abduction",
        "adduction",
        "internal_rotation",
        "external_rotation",
    ]


def test_unknown_variant_is_refused(course):
    with pytest.raises(KeyError, match="has no variant 'cartwheel'"):
        build_figure(course, "hip-joint", "cartwheel")
