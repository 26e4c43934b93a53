"""Every course figure says in words what it shows, and every 3D one has a light still of its opening view."""

from __future__ import annotations

import re

import pytest

from course.content import load_course
from course.figures import FIGURES, build_figure, describe_figure
from course.figures.body import body_figure
from course.figures.still import still_svg
from course.motions import MOTIONS

MIN_WORDS = 25  # fewer words can't name what a figure compares and give its numbers


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_has_words_that_name_what_it_compares_and_give_its_numbers(course, name):
    words = describe_figure(course, name)
    assert len(words.split()) >= MIN_WORDS, words
    assert re.search(r"\d+°", words), f"{name}: no angle in {words!r}"
    assert "3D figure" not in words
    if name.startswith(("mistake-", "hinge")):
        assert MOTIONS["good_hinge"]().title in words, words


def test_each_fault_figure_names_its_fault_in_words(course):
    for name in [n for n in FIGURES if n.startswith("mistake-")]:
        words = describe_figure(course, name)
        fault_title = words.split("right, ")[1].split(".")[0]
        assert fault_title in words.split(". ", 1)[1], f"{name}: the fault's numbers are not given: {words}"


def test_the_rounded_back_is_told_in_degrees_and_the_good_hinge_is_not_called_rounded(course):
    words = describe_figure(course, "mistake-rounded-back")
    good, rounded = words.split("Good hinge: ")[1].split("Rounded back: ")
    assert "back rounded" in rounded and "back rounded" not in good


def test_each_hip_motion_is_described_with_its_own_axis_and_limit(course):
    hip = course.joint_ranges["hip"]
    for motion in hip.motions:
        words = describe_figure(course, "hip-joint", motion.name)
        assert motion.name.replace("_", " ") in words
        assert f"{motion.degrees:g}°" in words


def test_a_still_draws_the_opening_frame_labels_and_carries_the_words():
    motions = [MOTIONS["good_hinge"](), MOTIONS["rounded_back_hinge"]()]
    figure = body_figure(motions)
    svg = still_svg(figure, "two bodies")
    labels = [a.text for a in figure.layout.scene.annotations]
    assert labels and all(label in svg for label in labels)
    assert 'aria-label="two bodies"' in svg and "<title>two bodies</title>" in svg
    assert "Good hinge" in svg and "Rounded back" in svg


def test_a_still_of_a_figure_without_its_animation_is_the_same_picture():
    motions = [MOTIONS["good_hinge"](), MOTIONS["locked_knee_hinge"]()]
    assert still_svg(body_figure(motions, animated=False), "x") == still_svg(body_figure(motions), "x")


@pytest.mark.parametrize(
    ("name", "times_lighter"), [("mistake-rounded-back", 10), ("hip-joint", 2), ("hip-vs-shoulder", 1)]
)
def test_a_still_is_lighter_than_the_3d_figure_it_shows(course, name, times_lighter):
    # the hip's stills are shaded surfaces (thousands of triangles, hidden ones left out); the bodies are lines
    figure = build_figure(course, name)
    assert len(still_svg(figure, name)) * times_lighter < len(figure.to_json())


def test_a_still_needs_a_3d_scene(course):
    with pytest.raises(ValueError, match="3D"):
        still_svg(build_figure(course, "hinge-vs-squat-angles"), "chart")
