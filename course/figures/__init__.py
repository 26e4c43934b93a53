"""The course's figures by name: what a lesson's front matter may list under ``figures``, and a
quiz question under ``figure`` (the "quiz-" figures label their two bodies only A and B).

Every figure is a pure function of the course content (for the joint ranges) and, where the
learner can pick a variant (which hip motion to play), of that choice. Pages look figures up
here; nothing in this package imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import plotly.graph_objects as go

from course.content import Course


@dataclass(frozen=True)
class FigureSpec:
    """How to build one named figure.

        ``choices(course)`` lists the variants a learner may pick (key -> label), empty when the
        figure has none; ``build(course, choice)`` makes the figure (``choice`` is None when there
        are no variants; with ``animated=False`` a 3D figure may leave out its animation, keeping its
    opening view: the still a page shows first); ``describe(course, choice)`` says in words what it shows (its text
        alternative, from the same motions and ranges).
    """

    name: str
    build: Callable[[Course, str | None, bool], go.Figure]
    describe: Callable[[Course, str | None], str]
    choices: Callable[[Course], Mapping[str, str]] = field(default=lambda course: {})
    choice_prompt: str = ""


def _hip_joint(course: Course, choice: str | None, animated: bool = True) -> go.Figure:
    # its 13 to 16 frames are light beside its meshes: the still is drawn from the whole figure
    from course.figures.joint import hip_joint_figure

    return hip_joint_figure(course.joint_ranges["hip"], motion=choice or "flexion")


def _hip_joint_words(course: Course, choice: str | None) -> str:
    from course.figures.joint import hip_motion_axis_label
    from course.figures.words import hip_motion_in_words

    motion = choice or "flexion"
    return hip_motion_in_words(course.joint_ranges["hip"], motion, hip_motion_axis_label(motion))


def _hip_motions(course: Course) -> Mapping[str, str]:
    return {motion.name: motion.label for motion in course.joint_ranges["hip"].motions}


def _hip_vs_shoulder(course: Course, choice: str | None, animated: bool = True) -> go.Figure:
    from course.figures.joint import shoulder_comparison_figure

    return shoulder_comparison_figure(course.joint_ranges["hip"], course.joint_ranges["shoulder"])


def _hip_vs_shoulder_words(course: Course, choice: str | None) -> str:
    from course.figures.anatomy import ACETABULUM_ARC_DEG, GLENOID_ARC_DEG
    from course.figures.words import sockets_in_words

    ranges = course.joint_ranges
    return sockets_in_words(ranges["hip"], ranges["shoulder"], ACETABULUM_ARC_DEG, GLENOID_ARC_DEG)


def _motions(*motion_names: str, titles: Sequence[str] = ()) -> list:
    from dataclasses import replace

    from course.motions import MOTIONS

    motions = [MOTIONS[name]() for name in motion_names]
    return [replace(motion, title=title) for motion, title in zip(motions, titles, strict=True)] if titles else motions


def _bodies_words(*motion_names: str, titles: Sequence[str] = ()) -> Callable[[Course, str | None], str]:
    def describe(course: Course, choice: str | None) -> str:
        from course.figures.words import bodies_in_words

        return bodies_in_words(_motions(*motion_names, titles=titles))

    return describe


def _angle_words(*motion_names: str) -> Callable[[Course, str | None], str]:
    def describe(course: Course, choice: str | None) -> str:
        from course.figures.words import angle_charts_in_words

        return angle_charts_in_words(_motions(*motion_names))

    return describe


def _bodies(*motion_names: str) -> Callable[[Course, str | None, bool], go.Figure]:
    def build(course: Course, choice: str | None, animated: bool = True) -> go.Figure:
        from course.figures.body import body_figure
        from course.motions import MOTIONS

        return body_figure([MOTIONS[name]() for name in motion_names], animated=animated)

    return build


def _quiz_bodies(first: str, second: str) -> Callable[[Course, str | None, bool], go.Figure]:
    """Two motions side by side, labelled only "A" and "B", for a quiz that asks which one
    shows the fault: the learner has to see it, not read it in a title."""

    def build(course: Course, choice: str | None, animated: bool = True) -> go.Figure:
        from dataclasses import replace

        from course.figures.body import body_figure
        from course.motions import MOTIONS

        motions = [replace(MOTIONS[first](), title="A"), replace(MOTIONS[second](), title="B")]
        return body_figure(motions, animated=animated)

    return build


def _angle_charts(*motion_names: str) -> Callable[[Course, str | None, bool], go.Figure]:
    def build(course: Course, choice: str | None, animated: bool = True) -> go.Figure:
        from course.figures.angles import motions_angle_chart
        from course.motions import MOTIONS

        return motions_angle_chart([MOTIONS[name]() for name in motion_names])

    return build


FIGURES: Mapping[str, FigureSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            FigureSpec("hip-joint", _hip_joint, _hip_joint_words, _hip_motions, "Pick a motion"),
            FigureSpec("hip-vs-shoulder", _hip_vs_shoulder, _hip_vs_shoulder_words),
            FigureSpec("hinge", _bodies("good_hinge"), _bodies_words("good_hinge")),
            FigureSpec("hinge-vs-squat", _bodies("good_hinge", "squat"), _bodies_words("good_hinge", "squat")),
            FigureSpec(
                "hinge-vs-squat-angles", _angle_charts("good_hinge", "squat"), _angle_words("good_hinge", "squat")
            ),
            FigureSpec(
                "mistake-locked-knees",
                _bodies("good_hinge", "locked_knee_hinge"),
                _bodies_words("good_hinge", "locked_knee_hinge"),
            ),
            FigureSpec(
                "mistake-rounded-back",
                _bodies("good_hinge", "rounded_back_hinge"),
                _bodies_words("good_hinge", "rounded_back_hinge"),
            ),
            FigureSpec(
                "mistake-knees-first",
                _bodies("good_hinge", "knee_dominant_hinge"),
                _bodies_words("good_hinge", "knee_dominant_hinge"),
            ),
            FigureSpec(
                "mistake-lean-back",
                _bodies("good_hinge", "lean_back_hinge"),
                _bodies_words("good_hinge", "lean_back_hinge"),
            ),
            FigureSpec(
                "mistake-neck-cranked",
                _bodies("good_hinge", "neck_cranked_hinge"),
                _bodies_words("good_hinge", "neck_cranked_hinge"),
            ),
            FigureSpec(
                "mistake-hips-not-back",
                _bodies("good_hinge", "hips_not_back_hinge"),
                _bodies_words("good_hinge", "hips_not_back_hinge"),
            ),
            FigureSpec(
                "mistake-hips-rise-first",
                _bodies("good_hinge", "hips_rise_first_hinge"),
                _bodies_words("good_hinge", "hips_rise_first_hinge"),
            ),
            FigureSpec(
                "mistake-weight-on-toes",
                _bodies("good_hinge", "weight_forward_hinge"),
                _bodies_words("good_hinge", "weight_forward_hinge"),
            ),
            FigureSpec(
                "mistake-rushed", _bodies("good_hinge", "rushed_hinge"), _bodies_words("good_hinge", "rushed_hinge")
            ),
            FigureSpec(
                "quiz-rounded-back",
                _quiz_bodies("rounded_back_hinge", "good_hinge"),
                _bodies_words("rounded_back_hinge", "good_hinge", titles=("A", "B")),
            ),
            FigureSpec(
                "quiz-lean-back",
                _quiz_bodies("good_hinge", "lean_back_hinge"),
                _bodies_words("good_hinge", "lean_back_hinge", titles=("A", "B")),
            ),
        )
    }
)


def build_figure(course: Course, name: str, choice: str | None = None, *, animated: bool = True) -> go.Figure:
    """Build a named figure (``animated=False``: its opening view, see FigureSpec); raises
    ``KeyError`` for an unknown name or choice."""
    spec = FIGURES[name]
    return spec.build(course, _checked_choice(course, spec, choice), animated)


def describe_figure(course: Course, name: str, choice: str | None = None) -> str:
    """What a named figure shows, in words (its text alternative); raises ``KeyError`` as build_figure."""
    spec = FIGURES[name]
    return spec.describe(course, _checked_choice(course, spec, choice))


def _checked_choice(course: Course, spec: FigureSpec, choice: str | None) -> str | None:
    choices = spec.choices(course)
    if choices and choice is None:
        choice = next(iter(choices))
    if choice is not None and choice not in choices:
        raise KeyError(f"figure {spec.name!r} has no variant {choice!r}; it has {', '.join(choices) or 'none'}")
    return choice
