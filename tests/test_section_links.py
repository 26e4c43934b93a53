"""Every "Learn the fix" names a section that exists, with an anchor of its own, and the lesson lands on it."""

from __future__ import annotations

import pytest

from course.analysis.presenting import LessonLink, section_anchor
from course.content import load_course
from course.views.sections import SECTION_PARAM
from tests.page_harness import app

COURSE = load_course()


@pytest.mark.parametrize("fault", sorted(COURSE.cues))
def test_every_cue_links_to_a_section_heading_anchor_of_its_lesson(fault):
    cue = COURSE.cues[fault]
    lesson = COURSE.lesson(cue.lesson_id)
    anchors = [section_anchor(section.heading) for section in lesson.sections if section.heading]
    link = LessonLink(lesson.id, lesson.order, lesson.title, cue.section)
    assert link.anchor in anchors, f"{fault}: {lesson.id} has no section anchored {link.anchor!r}"


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=lambda lesson: lesson.id)
def test_no_two_sections_of_a_lesson_share_an_anchor(lesson):
    anchors = [section_anchor(section.heading) for section in lesson.sections if section.heading]
    assert len(anchors) == len(set(anchors)) and all(anchors)


def test_an_anchor_is_the_headings_words_in_lower_case_joined_by_dashes_as_streamlit_makes_them():
    assert section_anchor("2. Rounded back") == "2-rounded-back"
    assert section_anchor("Step 3: 45-degree back extension") == "step-3-45-degree-back-extension"
    assert section_anchor("Hinge or squat?") == "hinge-or-squat"


def test_the_lesson_writes_each_section_heading_with_its_anchor_and_lands_only_on_the_one_named():
    lesson = COURSE.lesson(COURSE.cues["rounded_back"].lesson_id)
    at = app(lesson.id, query={SECTION_PARAM: "2-rounded-back"})
    assert not at.exception
    headings = {header.value: header.proto.anchor for header in at.header}
    expected = {section.heading: section_anchor(section.heading) for section in lesson.sections if section.heading}
    assert {heading: headings.get(heading) for heading in expected} == expected
    scripts = [element for element in at.get("html") if "scrollIntoView" in element.proto.body]
    assert len(scripts) == 1 and '"2-rounded-back"' in scripts[0].proto.body
    at = app(lesson.id)
    assert not [element for element in at.get("html") if "scrollIntoView" in element.proto.body]
