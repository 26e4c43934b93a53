"""Load and check the course's content: lessons, quizzes, glossary and joint ranges.

Everything a learner reads lives in ``content/`` (see ``content/README.md`` for the
format). :func:`load_course` reads it once and checks every field; the first mistake
stops it with a :class:`ContentError` whose message names the file, the field and
what is wrong, so a typo in a lesson never reaches a learner as a traceback.

Figures are named here, not built: the names a lesson may use are passed in by whoever knows
the figure registry (course.figures builds its figures from this module's types, so this module
never imports it). ``python -m course.content_check [content-dir]`` checks the files from a
shell, with the registry's names and the writing checks of :mod:`course.writing`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
CONTENT_DIR_SETTING = "HINGE_CONTENT_DIR"
"""Environment variable naming another content folder (for authors trying a draft, and for tests)."""


def content_dir() -> Path:
    """The content folder the course runs on: HINGE_CONTENT_DIR when set, else ``content/``. The
    pages, the command line and the analysis's default cues all read the same one."""
    return Path(os.environ.get(CONTENT_DIR_SETTING) or CONTENT_DIR)


QuestionKind = Literal["single", "multiple", "spot_the_fault"]
QUESTION_KINDS: tuple[QuestionKind, ...] = ("single", "multiple", "spot_the_fault")

MIN_QUESTIONS_PER_QUIZ = 4
CHOICES_PER_QUESTION = (2, 6)  # fewer is not a question, more does not fit a phone screen
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"^\{\{\s*(?P<kind>[a-z_]+):(?P<arg>[a-z_]+)\s*\}\}\s*$", re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---\s*\n(?P<yaml>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)


class ContentError(Exception):
    """A content file is malformed; the message names the file, the field and the problem."""

    def __init__(self, path: Path | str, field: str | None, problem: str) -> None:
        self.path = Path(path)
        self.field = field
        self.problem = problem
        where = f"{display_path(self.path)}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool
    feedback: str  # why this choice is right or wrong


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: QuestionKind
    prompt: str
    choices: tuple[Choice, ...]
    explanation: str  # shown after answering, right or wrong
    figure: str | None = None  # a figure the learner watches to answer, drawn above the choices

    @property
    def correct_choices(self) -> frozenset[int]:
        return frozenset(i for i, choice in enumerate(self.choices) if choice.correct)

    @property
    def allows_several(self) -> bool:
        return self.kind == "multiple"

    def is_correct(self, selected: Iterable[int]) -> bool:
        """True when the selected choice indexes are exactly the correct ones."""
        return frozenset(selected) == self.correct_choices


@dataclass(frozen=True, slots=True)
class KeyTerm:
    term: str
    definition: str
    lesson_id: str


@dataclass(frozen=True, slots=True)
class LessonFigure:
    """A figure a lesson shows, with what to look at, placed after one of its sections."""

    name: str  # a name from the figure registry (course.figures)
    caption: str  # what the learner should notice, in plain words
    after: str | None  # the "## " heading of the section it follows; None = after the text


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a lesson's text, from one "## " heading to the next."""

    heading: str | None  # None for any text before the first heading
    markdown: str  # the heading line included


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    order: int
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    key_terms: tuple[KeyTerm, ...]
    figures: tuple[LessonFigure, ...]
    sources: tuple[str, ...]
    quiz: tuple[Question, ...]
    body: str  # Markdown, placeholders already replaced
    path: Path

    @property
    def sections(self) -> tuple[Section, ...]:
        return split_sections(self.body)

    def figures_after(self, heading: str | None) -> tuple[LessonFigure, ...]:
        """The figures placed after the section with this heading (None: after the whole text)."""
        return tuple(figure for figure in self.figures if figure.after == heading)

    def question(self, question_id: str) -> Question:
        for question in self.quiz:
            if question.id == question_id:
                return question
        raise KeyError(f"lesson {self.id!r} has no question {question_id!r}")


@dataclass(frozen=True, slots=True)
class JointMotion:
    name: str  # e.g. "internal_rotation"
    degrees: float
    description: str

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class JointRanges:
    joint: str  # "hip" or "shoulder"
    name: str
    motions: tuple[JointMotion, ...]
    source: str

    def degrees(self, motion: str) -> float:
        for item in self.motions:
            if item.name == motion:
                return item.degrees
        raise KeyError(f"{self.joint} has no motion {motion!r}")


@dataclass(frozen=True, slots=True)
class Cue:
    """What the self-check tells a learner about one fault, and where to learn the fix."""

    fault: str  # a fault id of the self-check's report
    name: str  # what is checked, as a heading ("Back rounding")
    title: str  # the fault when found ("Your back rounded")
    seen: str  # what the camera saw; "{value}" stands for the measured number
    try_this: str
    lesson_id: str
    section: str  # the heading in that lesson that teaches the fix
    figure: str  # the figure of this fault beside the good hinge
    went_well: str  # said when the fault was checked and not found

    def seen_with(self, value: str) -> str:
        return self.seen.replace("{value}", value)


@dataclass(frozen=True, slots=True)
class TextPage:
    """A page of plain course text, such as the welcome on the home page."""

    title: str
    lead: str  # the first paragraph, shown above everything else
    body: str  # Markdown
    path: Path


@dataclass(frozen=True, slots=True)
class Course:
    home: TextPage
    self_check: TextPage
    lessons: tuple[Lesson, ...]  # in course order
    joint_ranges: Mapping[str, JointRanges]
    cues: Mapping[str, Cue]  # by fault id

    @property
    def glossary(self) -> tuple[KeyTerm, ...]:
        """Every key term of every lesson, alphabetical."""
        terms = (term for lesson in self.lessons for term in lesson.key_terms)
        return tuple(sorted(terms, key=lambda term: term.term.casefold()))

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(f"no lesson {lesson_id!r}")

    def lesson_after(self, lesson_id: str) -> Lesson | None:
        ids = [lesson.id for lesson in self.lessons]
        position = ids.index(lesson_id)
        return self.lessons[position + 1] if position + 1 < len(self.lessons) else None


def load_course(content_dir: Path = CONTENT_DIR, known_figures: Iterable[str] | None = None) -> Course:
    """Read and check every content file under ``content_dir``.

    ``known_figures`` are the figure names a lesson, a quiz question or a cue may use (the app
    passes the names of ``course.figures.FIGURES``); None checks every other field but not the
    figure names.
    Raises :class:`ContentError` for the first problem found.
    """
    content_dir = Path(content_dir)
    home = _load_text_page(content_dir / "home.md")
    self_check = _load_text_page(content_dir / "self-check.md")
    joint_ranges = _load_joint_ranges(content_dir / "joint_ranges.yaml")
    lesson_dir = content_dir / "lessons"
    paths = sorted(lesson_dir.glob("*.md"))
    if not paths:
        raise ContentError(lesson_dir, None, "no lesson files (*.md) found")
    figures = None if known_figures is None else frozenset(known_figures)
    lessons = [_load_lesson(path, joint_ranges, figures) for path in paths]
    _check_course(lessons)
    lessons.sort(key=lambda lesson: lesson.order)
    cues = _load_cues(content_dir / "cues.yaml", lessons, figures)
    return Course(home=home, self_check=self_check, lessons=tuple(lessons), joint_ranges=joint_ranges, cues=cues)


# --- lessons -------------------------------------------------------------------------


def _split_front_matter(path: Path) -> tuple[_Fields, str]:
    text = _read_text(path)
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(path, None, "the file must start with YAML front matter between two '---' lines")
    try:
        meta = yaml.safe_load(match["yaml"])
    except yaml.YAMLError as error:
        raise ContentError(
            path, None, f"the front matter is not valid YAML ({_yaml_problem(error, first_line=2)})"
        ) from None
    if not isinstance(meta, dict):
        raise ContentError(path, None, "the front matter must be a mapping of fields")
    body = match["body"].strip()
    if not body:
        raise ContentError(path, "body", "there is no text after the front matter")
    return _Fields(path, meta), body


def _load_text_page(path: Path) -> TextPage:
    fields, body = _split_front_matter(path)
    return TextPage(title=fields.text("title"), lead=fields.text("lead"), body=body, path=path)


def _load_lesson(path: Path, joint_ranges: Mapping[str, JointRanges], known_figures: frozenset[str] | None) -> Lesson:
    fields, body = _split_front_matter(path)
    lesson_id = fields.slug("id")
    key_terms = tuple(
        KeyTerm(
            term=item.text("term"),
            definition=item.text("definition"),
            lesson_id=lesson_id,
        )
        for item in fields.records("key_terms", minimum=1)
    )
    headings = [section.heading for section in split_sections(body) if section.heading]
    figures = []
    for item in fields.records("figures", minimum=0):
        name = item.text("name")
        if known_figures is not None and name not in known_figures:
            known = ", ".join(sorted(known_figures)) or "none"
            raise ContentError(path, item.name("name"), f"unknown figure {name!r} (known figures: {known})")
        after = item.text("after") if item.data.get("after") is not None else None
        if after is not None and after not in headings:
            raise ContentError(
                path, item.name("after"), f"no section is headed {after!r}; the headings are: {'; '.join(headings)}"
            )
        figures.append(LessonFigure(name=name, caption=item.text("caption"), after=after))
    return Lesson(
        id=lesson_id,
        order=fields.integer("order", minimum=1),
        title=fields.text("title"),
        summary=fields.text("summary"),
        minutes=fields.integer("minutes", minimum=1),
        objectives=tuple(fields.text_list("objectives", minimum=1)),
        key_terms=key_terms,
        figures=tuple(figures),
        sources=tuple(fields.text_list("sources", minimum=0, required=False)),
        quiz=_load_quiz(fields, known_figures),
        body=_expand_placeholders(path, body, joint_ranges),
        path=path,
    )


def _load_quiz(fields: _Fields, known_figures: frozenset[str] | None) -> tuple[Question, ...]:
    questions = []
    for item in fields.records("quiz", minimum=MIN_QUESTIONS_PER_QUIZ):
        kind = item.choice("kind", QUESTION_KINDS)
        figure = item.text("figure") if item.data.get("figure") is not None else None
        if figure is not None and known_figures is not None and figure not in known_figures:
            raise ContentError(fields.path, item.name("figure"), f"unknown figure {figure!r}")
        lo, hi = CHOICES_PER_QUESTION
        choices = tuple(
            Choice(text=c.text("text"), correct=c.boolean("correct"), feedback=c.text("feedback"))
            for c in item.records("choices", minimum=lo, maximum=hi)
        )
        correct = sum(choice.correct for choice in choices)
        if kind == "multiple" and correct < 2:
            raise ContentError(
                fields.path,
                item.name("choices"),
                f"a multiple-choice question needs at least two correct choices, found {correct}",
            )
        if kind != "multiple" and correct != 1:
            raise ContentError(
                fields.path,
                item.name("choices"),
                f"a {kind} question needs exactly one correct choice, found {correct}",
            )
        texts = [choice.text.casefold() for choice in choices]
        if len(set(texts)) != len(texts):
            raise ContentError(fields.path, item.name("choices"), "two choices have the same text")
        questions.append(
            Question(
                id=item.slug("id"),
                kind=kind,
                prompt=item.text("prompt"),
                choices=choices,
                explanation=item.text("explanation"),
                figure=figure,
            )
        )
    ids = [question.id for question in questions]
    for index, question_id in enumerate(ids):
        if ids.index(question_id) != index:
            raise ContentError(fields.path, f"quiz[{index}].id", f"question id {question_id!r} is used twice")
    for kind in QUESTION_KINDS:
        if not any(question.kind == kind for question in questions):
            raise ContentError(fields.path, "quiz", f"the quiz needs at least one {kind!r} question")
    return tuple(questions)


HEADING = re.compile(r"^## +(?P<title>.+?)\s*$", re.MULTILINE)


def split_sections(body: str) -> tuple[Section, ...]:
    """Cut Markdown at its "## " headings; each section keeps its heading line."""
    starts = [match.start() for match in HEADING.finditer(body)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    sections = []
    for begin, end in zip(starts, [*starts[1:], len(body)], strict=True):
        text = body[begin:end].strip()
        if not text:
            continue
        match = HEADING.match(text)
        sections.append(Section(heading=match["title"] if match else None, markdown=text))
    return tuple(sections)


def _expand_placeholders(path: Path, body: str, joint_ranges: Mapping[str, JointRanges]) -> str:
    def table(match: re.Match[str]) -> str:
        kind, arg = match["kind"], match["arg"]
        if kind != "ranges":
            raise ContentError(
                path, "body", f"unknown placeholder {match[0].strip()!r}; only {{{{ranges:JOINT}}}} exists"
            )
        if arg not in joint_ranges:
            known = ", ".join(sorted(joint_ranges))
            raise ContentError(path, "body", f"no joint ranges for {arg!r} (known: {known})")
        return ranges_table(joint_ranges[arg]) + "\n"

    return PLACEHOLDER.sub(table, body)


def ranges_table(ranges: JointRanges) -> str:
    """A Markdown table of a joint's typical ranges of motion."""
    rows = ["| Motion | Typical range | What moves |", "|---|---|---|"]
    rows += [f"| {m.label} | {m.degrees:g}° | {m.description} |" for m in ranges.motions]
    return "\n".join(rows)


def _check_course(lessons: list[Lesson]) -> None:
    seen_ids: dict[str, Path] = {}
    seen_orders: dict[int, Path] = {}
    seen_terms: dict[str, Path] = {}
    for lesson in lessons:
        if lesson.id in seen_ids:
            raise ContentError(
                lesson.path, "id", f"id {lesson.id!r} is already used by {display_path(seen_ids[lesson.id])}"
            )
        seen_ids[lesson.id] = lesson.path
        if lesson.order in seen_orders:
            other = display_path(seen_orders[lesson.order])
            raise ContentError(lesson.path, "order", f"order {lesson.order} is already used by {other}")
        seen_orders[lesson.order] = lesson.path
        for index, term in enumerate(lesson.key_terms):
            key = term.term.casefold()
            if key in seen_terms:
                other = display_path(seen_terms[key])
                raise ContentError(
                    lesson.path, f"key_terms[{index}].term", f"{term.term!r} is already defined in {other}"
                )
            seen_terms[key] = lesson.path
    orders = sorted(seen_orders)
    expected = list(range(1, len(lessons) + 1))
    if orders != expected:
        missing = sorted(set(expected) - set(orders))
        culprit = next(lesson.path for lesson in lessons if lesson.order not in expected)
        raise ContentError(
            culprit, "order", f"lessons must be numbered 1 to {len(lessons)} without gaps; {missing} is missing"
        )


# --- cues ------------------------------------------------------------------------------


def _load_cues(path: Path, lessons: list[Lesson], known_figures: frozenset[str] | None) -> dict[str, Cue]:
    try:
        data = yaml.safe_load(_read_text(path))
    except yaml.YAMLError as error:
        raise ContentError(path, None, f"not valid YAML ({_yaml_problem(error)})") from None
    fields = _Fields(path, data if isinstance(data, dict) else {"cues": data})
    entries = fields._get("cues")
    if not isinstance(entries, dict):
        raise ContentError(path, "cues", f"expected a mapping of fault ids, found {_kind(entries)}")
    by_id = {lesson.id: lesson for lesson in lessons}
    cues = {}
    for fault, spec in entries.items():
        item = _Fields(path, spec, prefix=f"cues.{fault}")
        lesson_id = item.text("lesson")
        if lesson_id not in by_id:
            raise ContentError(path, item.name("lesson"), f"no lesson has the id {lesson_id!r}")
        section = item.text("section")
        headings = [s.heading for s in by_id[lesson_id].sections if s.heading]
        if section not in headings:
            raise ContentError(path, item.name("section"), f"lesson {lesson_id!r} has no section headed {section!r}")
        figure = item.text("figure")
        if known_figures is not None and figure not in known_figures:
            raise ContentError(path, item.name("figure"), f"unknown figure {figure!r}")
        cues[str(fault)] = Cue(
            fault=str(fault),
            name=item.text("name"),
            title=item.text("title"),
            seen=item.text("seen"),
            try_this=item.text("try"),
            lesson_id=lesson_id,
            section=section,
            figure=figure,
            went_well=item.text("went_well"),
        )
    return cues


# --- joint ranges --------------------------------------------------------------------


def _load_joint_ranges(path: Path) -> dict[str, JointRanges]:
    try:
        data = yaml.safe_load(_read_text(path))
    except yaml.YAMLError as error:
        raise ContentError(path, None, f"not valid YAML ({_yaml_problem(error)})") from None
    if not isinstance(data, dict):
        raise ContentError(path, None, "the file must be a mapping with 'source' and 'joints'")
    fields = _Fields(path, data)
    source = fields.text("source")
    joints = fields.mapping("joints")
    result = {}
    for joint, spec in joints.items():
        joint_fields = _Fields(path, spec, prefix=f"joints.{joint}")
        motions = []
        for motion, motion_spec in joint_fields.mapping("motions").items():
            motion_fields = _Fields(path, motion_spec, prefix=f"joints.{joint}.motions.{motion}")
            motions.append(
                JointMotion(
                    name=str(motion),
                    degrees=motion_fields.number("degrees", minimum=0, maximum=180),
                    description=motion_fields.text("description"),
                )
            )
        result[str(joint)] = JointRanges(
            joint=str(joint), name=joint_fields.text("name"), motions=tuple(motions), source=source
        )
    return result


# --- field checking --------------------------------------------------------------------


class _Fields:
    """Typed access to one mapping of a content file; every failure names its field."""

    def __init__(self, path: Path, data: Any, prefix: str = "") -> None:
        self.path = path
        self.prefix = prefix
        if not isinstance(data, dict):
            raise ContentError(path, prefix or None, f"expected a mapping of fields, found {_kind(data)}")
        self.data = data

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def _get(self, key: str, required: bool = True) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise ContentError(self.path, self.name(key), "is missing")
            return None
        return self.data[key]

    def text(self, key: str) -> str:
        value = self._get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ContentError(self.path, self.name(key), f"expected text, found {_kind(value)}")
        if not value.strip():
            raise ContentError(self.path, self.name(key), "is empty")
        return value.strip()

    def slug(self, key: str) -> str:
        value = self.text(key)
        if not SLUG.match(value):
            raise ContentError(
                self.path, self.name(key), f"{value!r} must be lowercase letters and digits joined by hyphens"
            )
        return value

    def integer(self, key: str, minimum: int) -> int:
        value = self._get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ContentError(self.path, self.name(key), f"expected a whole number, found {_kind(value)}")
        if value < minimum:
            raise ContentError(self.path, self.name(key), f"must be at least {minimum}, found {value}")
        return value

    def number(self, key: str, minimum: float, maximum: float) -> float:
        value = self._get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ContentError(self.path, self.name(key), f"expected a number, found {_kind(value)}")
        if not minimum <= value <= maximum:
            raise ContentError(
                self.path, self.name(key), f"must be between {minimum:g} and {maximum:g}, found {value:g}"
            )
        return float(value)

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise ContentError(self.path, self.name(key), f"expected true or false, found {_kind(value)}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> Any:
        value = self.text(key)
        if value not in allowed:
            raise ContentError(self.path, self.name(key), f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def mapping(self, key: str) -> dict:
        value = self._get(key)
        if not isinstance(value, dict) or not value:
            raise ContentError(self.path, self.name(key), f"expected a non-empty mapping, found {_kind(value)}")
        return value

    def _list(self, key: str, minimum: int, maximum: int | None, required: bool) -> list:
        value = self._get(key, required=required and minimum > 0)
        if value is None:
            if required and minimum == 0 and key not in self.data:
                raise ContentError(self.path, self.name(key), "is missing (use [] for none)")
            return []
        if not isinstance(value, list):
            raise ContentError(self.path, self.name(key), f"expected a list, found {_kind(value)}")
        if len(value) < minimum:
            raise ContentError(self.path, self.name(key), f"needs at least {minimum} entries, found {len(value)}")
        if maximum is not None and len(value) > maximum:
            raise ContentError(self.path, self.name(key), f"allows at most {maximum} entries, found {len(value)}")
        return value

    def text_list(self, key: str, minimum: int, required: bool = True) -> list[str]:
        items = self._list(key, minimum, None, required)
        holder = _Fields(self.path, {f"{key}[{i}]": item for i, item in enumerate(items)}, self.prefix)
        return [holder.text(f"{key}[{i}]") for i in range(len(items))]

    def records(self, key: str, minimum: int, maximum: int | None = None) -> list[_Fields]:
        items = self._list(key, minimum, maximum, required=True)
        return [_Fields(self.path, item, prefix=f"{self.name(key)}[{i}]") for i, item in enumerate(items)]


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(path, None, "the file is missing") from None
    except UnicodeDecodeError:
        raise ContentError(path, None, "the file is not UTF-8 text") from None
    except OSError as error:
        raise ContentError(path, None, f"the file cannot be read ({error.strerror})") from None


def _yaml_problem(error: yaml.YAMLError, first_line: int = 1) -> str:
    """The YAML parser's complaint, with the line counted in the file (``first_line`` is where the YAML starts)."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        return f"{problem} at line {mark.line + first_line}, column {mark.column + 1}"
    return problem


def display_path(path: Path) -> str:
    """The path as a content author knows it: from the project's root when it is inside it."""
    try:
        return str(path.resolve().relative_to(CONTENT_DIR.parent))
    except ValueError:
        return str(path)
