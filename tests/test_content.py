"""The content loader: the real course loads, and each kind of mistake gets one clear message."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from course.content import CONTENT_DIR, ContentError, load_course
from course.figures import FIGURES
from tests.content_factory import cue, lesson_meta, question, write_course, write_cues, write_lesson

SEED_ARTICLE = Path(
    os.environ.get("HINGE_SEED", CONTENT_DIR.parent.parent / "shared" / "seed" / "hip-hinge-article.txt")
)


# --- the real course ---------------------------------------------------------------------


def test_real_course_has_nine_lessons_in_order():
    course = load_course()
    assert [lesson.id for lesson in course.lessons] == [
        "your-hip-joint",
        "what-is-a-hinge",
        "first-hinge",
        "why-it-matters",
        "common-mistakes",
        "more-mistakes",
        "brace-and-dowel",
        "progressions",
        "film-your-hinge",
    ]


def test_every_real_quiz_has_four_questions_of_every_kind_with_explanations():
    for lesson in load_course().lessons:
        kinds = {question.kind for question in lesson.quiz}
        assert len(lesson.quiz) >= 4, lesson.id
        assert kinds == {"single", "multiple", "spot_the_fault"}, lesson.id
        for asked in lesson.quiz:
            assert len(asked.explanation.split()) >= 8, f"{lesson.id}/{asked.id}: explanation too thin"
            assert all(choice.feedback for choice in asked.choices)


def test_correct_answers_are_not_always_in_the_same_place():
    positions = [min(q.correct_choices) for lesson in load_course().lessons for q in lesson.quiz]
    assert len(set(positions)) >= 3, positions


def test_hip_ranges_table_cites_the_numbers_of_joint_ranges_file():
    course = load_course()
    body = course.lesson("your-hip-joint").body
    hip = course.joint_ranges["hip"]
    for motion in hip.motions:
        assert f"| {motion.label} | {motion.degrees:g}° |" in body
    assert "{{" not in body
    assert "| Abduction | 180° |" not in body, "the shoulder's numbers are in its figure, not in a second table"


# Every fact the course promises, lesson by lesson: (lesson id, words that must appear).
PROMISED_FACTS = [
    (
        "your-hip-joint",
        [
            "femoral head",
            "acetabulum",
            "ball-and-socket",
            "flexion",
            "extension",
            "abduction",
            "adduction",
            "internal rotation",
            "external rotation",
            "shoulder",
            "glenoid",
            "stability",
            "mobility",
        ],
    ),
    (
        "what-is-a-hinge",
        [
            "sagittal plane",
            "neutral spine",
            "lumbar",
            "thoracic",
            "soft",
            "hamstrings",
            "glutes",
            "squat",
            "shin",
            "centre of mass",
        ],
    ),
    # the safety net: who asks first, the red flags, a pain traffic light, and how to practise
    (
        "first-hinge",
        [
            "back pain right now",
            "hip replacement",
            "recent surgery",
            "pregnancy",
            "osteoporosis",
            "below your knee",
            "weakness",
            "bladder or bowel",
            "worse a day or two",
            "wakes you at night",
            "green",
            "amber",
            "red, stop",
            "warm up",
            "a week",
            "reps in reserve",
            "range that doesn't hurt",
            "physiotherapist before you add load",
        ],
    ),
    ("why-it-matters", ["running", "jumping", "squat", "deadlift", "injur", "lower back", "knees", "stronger"]),
    ("common-mistakes", ["locked", "lumbar", "knees", "hips", "drill"]),
    ("more-mistakes", ["neck", "lean", "toes", "descent", "tempo", "drill"]),
    ("brace-and-dowel", ["brac", "breath", "blood pressure", "dowel"]),
    (
        "progressions",
        [
            "glute bridge",
            "bench",
            "45",
            "romanian deadlift",
            "goblet squat",
            "bodyweight",
            # regressions, and getting a load into position
            "bend your knees a little more",
            "step",
            "go shorter",
            "tall-kneeling",
            "pull-through",
            "box or bench",
            "sore hamstrings",
        ],
    ),
    ("film-your-hinge", ["side", "hip height", "2 to 4", "head", "feet", "3 to 6", "light", "one person", "deleted"]),
]


@pytest.mark.parametrize(("lesson_id", "facts"), PROMISED_FACTS, ids=[lesson_id for lesson_id, _ in PROMISED_FACTS])
def test_lesson_covers_the_facts_it_promises(lesson_id, facts):
    lesson = load_course().lesson(lesson_id)
    text = lesson.body.casefold()
    missing = [fact for fact in facts if fact not in text]
    assert not missing, f"{lesson_id} does not mention {missing}"


def test_real_course_has_no_writing_problems():
    from course.writing import writing_problems

    assert [str(problem) for problem in writing_problems(load_course())] == []


# Gym and anatomy words a beginner meets: each one the course uses must be in its glossary.
JARGON = [
    "set",
    "rep",
    "reps in reserve",
    "tempo",
    "romanian deadlift",
    "conventional deadlift",
    "hip flexors",
    "rotator cuff",
    "deep rotators",
    "plumb line",
    "disc",
    "rib flare",
    "posterior chain",
    "bracing",
    "intra-abdominal pressure",
    "red flag",
    "regression",
    "delayed-onset muscle soreness",
    "valsalva",
    "pelvic floor",
    "osteoporosis",
]


def test_every_gym_word_the_course_uses_is_in_its_glossary():
    course = load_course()
    glossary = {term.term.casefold() for term in course.glossary}
    text = " ".join(lesson.body for lesson in course.lessons).casefold()
    used = [word for word in JARGON if re.search(rf"(?<![\w-]){re.escape(word)}s?(?![\w-])", text)]
    assert used, "the list must match some of the course's words"
    assert [word for word in used if word not in glossary] == []


def test_home_page_points_to_the_check_first_box_of_the_lesson_that_has_it():
    course = load_course()
    assert "Check first" in course.home.body
    headings = {section.heading for lesson in course.lessons for section in lesson.sections}
    assert "Check first" in headings


def test_every_privacy_statement_says_the_clip_is_never_kept_and_what_saving_keeps():
    course = load_course()
    film = course.lesson("film-your-hinge")
    section = next(s.markdown for s in film.sections if s.heading == "What happens to your clip")
    privacy = film.question("clip-privacy")
    right = next(choice for choice in privacy.choices if choice.correct)
    statements = {
        "home page": course.home.body,
        "self-check page": course.self_check.body,
        "lesson section": section,
        "quiz answer": f"{right.text} {right.feedback} {privacy.explanation}",
    }
    statements = {where: " ".join(text.split()) for where, text in statements.items()}
    for where, text in statements.items():
        lowered = text.casefold()
        assert "choose to keep" not in lowered and "keep the clip" not in lowered, f"{where} says a clip can be kept"
        assert "delete" in lowered or "never kept" in lowered, f"{where} does not say the clip goes"
    for where in ("self-check page", "lesson section", "quiz answer"):
        assert "Save" in statements[where] and "Hand in" in statements[where], (
            f"{where} does not say what keeps the numbers"
        )


@pytest.mark.skipif(not SEED_ARTICLE.is_file(), reason=f"the seed article is not at {SEED_ARTICLE} (set HINGE_SEED)")
def test_no_lesson_copies_a_phrase_of_the_seed_article():
    def shingles(text: str, size: int = 7) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z']+", text.casefold())
        return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}

    seed = shingles(SEED_ARTICLE.read_text(encoding="utf-8"))
    for path in sorted(CONTENT_DIR.rglob("*.md")):
        copied = shingles(path.read_text(encoding="utf-8")) & seed
        assert not copied, f"{path.name} repeats the seed article: {[' '.join(c) for c in copied][:3]}"


# --- broken content ------------------------------------------------------------------------


def test_a_small_valid_course_loads(tmp_path):
    course = load_course(write_course(tmp_path))
    assert [lesson.order for lesson in course.lessons] == [1, 2]
    assert [term.term for term in course.glossary] == ["Term a-1", "Term a-2"]


def _break(tmp_path: Path, change) -> Path:
    folder = write_course(tmp_path)
    meta = lesson_meta("a-2", 2)
    body = change(meta)
    write_lesson(tmp_path, "02-a-2.md", meta, body if isinstance(body, str) else "## Text\n\nSome text.\n")
    return folder


BROKEN_LESSONS = {
    "missing id": (lambda m: m.pop("id"), "id", "is missing"),
    "id with spaces": (lambda m: m.update(id="My Lesson"), "id", "lowercase letters"),
    "order is text": (lambda m: m.update(order="two"), "order", "whole number"),
    "no objectives": (lambda m: m.update(objectives=[]), "objectives", "at least 1"),
    "three questions": (lambda m: m["quiz"].pop(), "quiz", "at least 4"),
    "no multiple-choice question": (
        lambda m: m["quiz"].__setitem__(1, question("two", "single")),
        "quiz",
        "'multiple'",
    ),
    "single with two answers": (
        lambda m: m["quiz"].__setitem__(0, question("one", "single", (0, 1))),
        "quiz[0].choices",
        "exactly one correct",
    ),
    "multiple with one answer": (
        lambda m: m["quiz"].__setitem__(1, question("two", "multiple", (0,))),
        "quiz[1].choices",
        "at least two correct",
    ),
    "unknown kind": (lambda m: m["quiz"][2].update(kind="essay"), "quiz[2].kind", "not one of"),
    "choice without feedback": (
        lambda m: m["quiz"][3]["choices"][1].pop("feedback"),
        "quiz[3].choices[1].feedback",
        "missing",
    ),
    "correct is text": (
        lambda m: m["quiz"][0]["choices"][0].update(correct="yes"),
        "quiz[0].choices[0].correct",
        "true or false",
    ),
    "seven choices": (
        lambda m: m["quiz"].__setitem__(0, question("one", "single", (1,), n_choices=7)),
        "quiz[0].choices",
        "at most 6",
    ),
    "duplicate question id": (lambda m: m["quiz"][3].update(id="one"), "quiz[3].id", "used twice"),
    "unknown figure": (
        lambda m: m.update(figures=[{"name": "spinning-hip", "caption": "Look."}]),
        "figures[0].name",
        "unknown figure 'spinning-hip'",
    ),
    "figure after a missing heading": (
        lambda m: m.update(figures=[{"name": "known-figure", "caption": "Look.", "after": "Nowhere"}]),
        "figures[0].after",
        "no section is headed 'Nowhere'",
    ),
    "figure without caption": (
        lambda m: m.update(figures=[{"name": "known-figure"}]),
        "figures[0].caption",
        "is missing",
    ),
    "figures not a list": (lambda m: m.update(figures="hip"), "figures", "expected a list"),
    "question with an unknown figure": (
        lambda m: m["quiz"][2].update(figure="spinning-hip"),
        "quiz[2].figure",
        "unknown figure 'spinning-hip'",
    ),
    "duplicate key term": (
        lambda m: m["key_terms"][0].update(term="term A-1"),
        "key_terms[0].term",
        "already defined in",
    ),
    "duplicate lesson id": (lambda m: m.update(id="a-1"), "id", "already used by"),
    "order gap": (lambda m: m.update(order=5), "order", "without gaps"),
    "unknown placeholder": (lambda m: "## Text\n\n{{video:intro}}\n", "body", "unknown placeholder"),
    "ranges of an unknown joint": (lambda m: "## Text\n\n{{ranges:elbow}}\n", "body", "no joint ranges for 'elbow'"),
}


@pytest.mark.parametrize("case", BROKEN_LESSONS, ids=list(BROKEN_LESSONS))
def test_broken_lesson_names_file_field_and_problem(tmp_path, case):
    change, field, problem = BROKEN_LESSONS[case]
    folder = _break(tmp_path, change)
    with pytest.raises(ContentError) as raised:
        load_course(folder, known_figures={"known-figure"})
    message = str(raised.value)
    assert "02-a-2.md" in message
    assert f"field '{field}'" in message
    assert problem in message


def test_figures_sit_after_the_section_they_name(tmp_path):
    folder = write_course(tmp_path)
    meta = lesson_meta("a-2", 2)
    meta["figures"] = [
        {"name": "joint", "caption": "Turn it.", "after": "Second part"},
        {"name": "body", "caption": "Watch the hips."},
    ]
    write_lesson(tmp_path, "02-a-2.md", meta, "Intro.\n\n## First part\n\nText.\n\n## Second part\n\nMore.\n")
    lesson = load_course(folder, known_figures={"joint", "body"}).lesson("a-2")
    assert [section.heading for section in lesson.sections] == [None, "First part", "Second part"]
    assert [f.name for f in lesson.figures_after("Second part")] == ["joint"]
    assert [f.name for f in lesson.figures_after(None)] == ["body"]
    assert lesson.figures_after("First part") == ()


def test_cues_name_their_lesson_section_and_figure(tmp_path):
    folder = write_course(tmp_path)
    write_cues(folder, {"locked_knees": cue()})
    knees = load_course(folder).cues["locked_knees"]
    assert (knees.lesson_id, knees.section, knees.figure) == ("a-1", "A heading", "hinge")
    assert knees.seen_with("3") == "Knees at 3°."


@pytest.mark.parametrize(
    ("broken", "field", "problem"),
    [
        (cue(lesson="nowhere"), "cues.locked_knees.lesson", "no lesson has the id 'nowhere'"),
        (cue(section="Elsewhere"), "cues.locked_knees.section", "lesson 'a-1' has no section headed 'Elsewhere'"),
        (cue(figure="spinning-hip"), "cues.locked_knees.figure", "unknown figure 'spinning-hip'"),
        ({**cue(), "try": None}, "cues.locked_knees.try", "is missing"),
    ],
)
def test_broken_cue_names_its_field(tmp_path, broken, field, problem):
    folder = write_course(tmp_path)
    write_cues(folder, {"locked_knees": broken})
    with pytest.raises(ContentError, match=re.escape(f"cues.yaml, field '{field}': {problem}")):
        load_course(folder, known_figures=FIGURES)


def test_figure_names_are_checked_against_the_names_passed_in_and_only_then(tmp_path):
    folder = write_course(tmp_path)
    write_cues(folder, {"locked_knees": cue(figure="drawn-later")})
    assert load_course(folder).cues["locked_knees"].figure == "drawn-later"
    assert load_course(folder, known_figures={"drawn-later"}).cues["locked_knees"].figure == "drawn-later"
    with pytest.raises(ContentError, match="unknown figure 'drawn-later'"):
        load_course(folder, known_figures={"hinge"})


def test_every_figure_the_real_course_names_is_in_the_figure_registry():
    course = load_course(known_figures=FIGURES)
    named = {figure.name for lesson in course.lessons for figure in lesson.figures}
    named |= {question.figure for lesson in course.lessons for question in lesson.quiz if question.figure}
    named |= {cue.figure for cue in course.cues.values()}
    assert named and named <= set(FIGURES)


def test_invalid_yaml_names_the_line(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "lessons" / "01-a-1.md"
    path.write_text("---\nid: a-1\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"01-a-1\.md: the front matter is not valid YAML .*line \d+"):
        load_course(folder)


def test_lesson_without_front_matter_is_refused(tmp_path):
    folder = write_course(tmp_path)
    (folder / "lessons" / "01-a-1.md").write_text("# Just a heading\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"01-a-1\.md: .*YAML front matter"):
        load_course(folder)


def test_lesson_that_is_not_utf8_is_refused(tmp_path):
    folder = write_course(tmp_path)
    (folder / "lessons" / "01-a-1.md").write_bytes(b"---\nid: \xff\xfe\n---\n")
    with pytest.raises(ContentError, match=r"01-a-1\.md: the file is not UTF-8 text"):
        load_course(folder)


def test_missing_joint_ranges_file_is_named(tmp_path):
    folder = write_course(tmp_path)
    (folder / "joint_ranges.yaml").unlink()
    with pytest.raises(ContentError, match=r"joint_ranges\.yaml: the file is missing"):
        load_course(folder)


def test_range_out_of_bounds_names_its_motion(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "joint_ranges.yaml"
    path.write_text(path.read_text().replace("120", "400"), encoding="utf-8")
    with pytest.raises(
        ContentError, match=r"field 'joints\.hip\.motions\.flexion\.degrees': must be between 0 and 180"
    ):
        load_course(folder)


def test_empty_lesson_folder_is_reported(tmp_path):
    folder = write_course(tmp_path, lessons=0)
    with pytest.raises(ContentError, match="no lesson files"):
        load_course(folder)


def test_check_command_reports_ok_and_problems(tmp_path, capsys):
    from course.content_check import main

    assert main([str(write_course(tmp_path / "good"))]) == 0
    assert "Content OK: 2 lessons" in capsys.readouterr().out
    broken = _break(tmp_path / "bad", lambda m: m.pop("title"))
    assert main([str(broken)]) == 1
    assert "02-a-2.md, field 'title': is missing" in capsys.readouterr().err
