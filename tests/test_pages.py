"""Every page through Streamlit's AppTest: it renders, a quiz answers back, progress moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from course.content import CONTENT_DIR_SETTING, load_course
from course.progress import SessionProgress, choice_order, score_quiz
from course.views.session import GUEST_KEY
from tests.content_factory import write_course

APP = str(Path(__file__).resolve().parent.parent / "course" / "app.py")
TIMEOUT_S = 30


@pytest.fixture
def small_course(tmp_path, monkeypatch):
    folder = write_course(tmp_path / "content", lessons=2)
    monkeypatch.setenv(CONTENT_DIR_SETTING, str(folder))
    return load_course(folder)


def lesson_app(lesson_id: str) -> AppTest:
    return AppTest.from_string(
        f"from course.views.lesson import render_lesson\nrender_lesson({lesson_id!r})", default_timeout=TIMEOUT_S
    )


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.success] + [e.value for e in at.error]
    parts += [e.value for e in at.warning] + [e.value for e in at.caption] + [e.value for e in at.title]
    return "\n".join(str(p) for p in parts)


def test_home_shows_the_welcome_progress_and_a_start_button(small_course):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "Welcome"
    assert at.button(key="continue").label == "Start: 1. Lesson a-1"
    assert "0 of 2 lessons complete" in str(at.get("progress")[0].proto)


def test_start_button_opens_the_first_lesson(small_course):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    at.button(key="continue").click().run()
    assert not at.exception
    assert at.title[0].value == "Lesson a-1"
    assert "Question one?" in texts(at)


def test_home_continues_where_the_learner_left_off(small_course):
    progress = SessionProgress()
    progress.mark_read("a-1")
    lesson = small_course.lessons[0]
    progress.record_quiz_attempt(score_quiz(lesson, {q.id: q.correct_choices for q in lesson.quiz}))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state["progress"] = progress
    at.run()
    assert at.button(key="continue").label == "Continue: 2. Lesson a-2"
    assert "1 of 2 lessons complete" in str(at.get("progress")[0].proto)
    assert "quiz best 4 of 4, passed (1 try)" in texts(at)


def test_right_answer_says_right_and_explains(small_course):
    at = lesson_app("a-1").run()
    at.radio(key="a-1:1:one").set_value(1)
    at.button(key="a-1:1:one:check").click().run()
    assert not at.exception
    assert "**Right.** Explanation of one." in texts(at)
    assert at.radio(key="a-1:1:one").disabled, "a checked answer is locked"


def test_wrong_answer_says_not_quite_and_shows_the_right_one(small_course):
    at = lesson_app("a-1").run()
    at.radio(key="a-1:1:one").set_value(0)
    at.button(key="a-1:1:one:check").click().run()
    shown = texts(at)
    assert "**Not quite.** Explanation of one." in shown
    assert ":red[:material/cancel:] *Choice one 0* (your answer): Because 0." in shown
    assert ":green[:material/check_circle:] *Choice one 1* (the right answer): Because 1." in shown


def lesson_app_for(learner: str, lesson_id: str = "a-1") -> AppTest:
    at = lesson_app(lesson_id)
    at.session_state[GUEST_KEY] = learner
    return at.run()


def test_each_learner_sees_the_choices_in_their_own_order_on_every_visit(small_course):
    question = small_course.lesson("a-1").quiz[0]
    shown = {}
    for learner in ("guest:ann", "guest:bob", "guest:cat", "guest:dan"):
        order = choice_order(learner, "a-1", question)
        texts_in_order = [question.choices[index].text for index in order]
        ticks = small_course.lesson("a-1").quiz[1]
        ticks_in_order = [ticks.choices[index].text for index in choice_order(learner, "a-1", ticks)]
        for visit in range(2):
            at = lesson_app_for(learner)
            assert at.radio(key="a-1:1:one").options == texts_in_order, (learner, visit)
            assert [box.label for box in at.checkbox] == ticks_in_order, (learner, visit)
        shown[learner] = tuple(texts_in_order)
    assert len(set(shown.values())) > 1, "the learners do not all see one order"


def test_an_answer_is_kept_by_its_choice_not_by_its_place_on_screen(small_course):
    question = small_course.lesson("a-1").quiz[0]
    learner = next(
        name for name in (f"guest:{n}" for n in range(20)) if choice_order(name, "a-1", question)[0] != 1
    )  # the right choice is not first
    at = lesson_app_for(learner)
    at.radio(key="a-1:1:one").set_value(1)
    at.button(key="a-1:1:one:check").click().run()
    assert "**Right.** Explanation of one." in texts(at)
    assert at.session_state["quiz:a-1"].checked["one"] == frozenset({1})
    at.checkbox(key="a-1:1:two:2").check()
    at.checkbox(key="a-1:1:two:0").check()
    at.button(key="a-1:1:two:check").click().run()
    assert at.session_state["quiz:a-1"].checked["two"] == frozenset({0, 2})
    assert texts(at).count("**Right.**") == 2


def test_checking_with_nothing_picked_asks_for_an_answer(small_course):
    at = lesson_app("a-1").run()
    at.button(key="a-1:1:one:check").click().run()
    assert "Pick an answer first." in texts(at)


def test_finishing_the_quiz_records_a_passing_attempt_and_marks_the_lesson_read(small_course):
    at = lesson_app("a-1").run()
    answers = {"one": [1], "two": [0, 2], "three": [2], "four": [1]}
    for qid, picks in answers.items():
        key = f"a-1:1:{qid}"
        if qid == "two":
            for index in picks:
                at.checkbox(key=f"{key}:{index}").check()
        else:
            at.radio(key=key).set_value(picks[0])
        at.button(key=f"{key}:check").click().run()
    assert not at.exception
    assert "You got 3 of 4 right: quiz passed." in texts(at)
    progress = at.session_state["progress"]
    assert [a.correct for a in progress.quiz_attempts("a-1")] == [3]
    assert "a-1" in progress.lessons_read()

    at.button(key="retry:a-1:1").click().run()
    assert at.radio(key="a-1:2:one").value is None, "a new round starts empty"
    assert len(progress.quiz_attempts("a-1")) == 1, "retrying does not record twice"


def test_read_button_marks_the_lesson_read(small_course):
    at = lesson_app("a-2").run()
    at.button(key="read:a-2").click().run()
    assert "a-2" in at.session_state["progress"].lessons_read()
    assert "You have read this lesson." in texts(at)


def test_glossary_lists_every_term_and_filters_by_search(small_course):
    at = AppTest.from_string("from course.views.glossary import render_glossary\nrender_glossary()").run()
    assert not at.exception
    assert "**Term a-1**" in texts(at) and "**Term a-2**" in texts(at)
    at.text_input(key="glossary_query").input("a-2").run()
    assert "**Term a-1**" not in texts(at) and "**Term a-2**" in texts(at)


def test_broken_content_shows_one_clear_message_not_a_traceback(tmp_path, monkeypatch):
    folder = write_course(tmp_path / "content")
    lesson = folder / "lessons" / "02-a-2.md"
    lesson.write_text(lesson.read_text().replace("kind: spot_the_fault", "kind: essay"))
    monkeypatch.setenv(CONTENT_DIR_SETTING, str(folder))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "The course can't open right now"
    assert "02-a-2.md, field 'quiz[2].kind': 'essay' is not one of" in at.code[0].value


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("HINGE_PARALLEL_ANALYSES", "two", "HINGE_PARALLEL_ANALYSES must be a number of analyses at once, got 'two'"),
        (
            "HINGE_MAX_CLIPS_MB",
            "300",
            "HINGE_MAX_CLIPS_MB is not a setting of the course: did you mean HINGE_MAX_CLIP_MB?",
        ),
    ],
)
def test_a_setting_the_course_cant_use_stops_it_at_start_with_one_clear_message(monkeypatch, variable, value, said):
    monkeypatch.setenv(variable, value)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "The course can't open right now"
    assert "One of the server's settings" in at.error[0].value
    assert at.code[0].value == said


REAL_LESSON_IDS = [
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


@pytest.mark.parametrize("lesson_id", REAL_LESSON_IDS)
@pytest.mark.slow
def test_every_real_lesson_renders_with_its_whole_quiz(lesson_id):
    lesson = load_course().lesson(lesson_id)
    at = lesson_app(lesson_id).run()
    assert not at.exception
    assert at.title[0].value == lesson.title
    shown = texts(at)
    for number, question in enumerate(lesson.quiz, start=1):
        assert f"**{number}. {question.prompt}**" in shown


def test_real_home_page_lists_all_lessons():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert "0 of 9 lessons complete" in str(at.get("progress")[0].proto)
    assert at.button(key="continue").label == "Start: 1. Your hip joint"


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def still_alts(at: AppTest) -> list[str]:
    """The text alternatives of the still pictures a page shows in place of its 3D figures."""
    return [image.alt for element in at.get("image") for image in element.proto.imgs]


def open_3d_models(at: AppTest) -> AppTest:
    from course.views.figure_view import OPEN_LABEL

    for button in [b for b in at.button if b.label == OPEN_LABEL]:
        button.click()
    return at.run()


def test_lesson_shows_a_still_of_each_3d_figure_after_its_section_with_its_caption():
    lesson = load_course().lesson("what-is-a-hinge")
    at = lesson_app(lesson.id).run()
    assert not at.exception
    shown = texts(at)
    for figure in lesson.figures:
        assert figure.caption in shown
    # the 2D angle chart is drawn as it is; each 3D figure is a still, described in words
    assert len(plotly_specs(at)) == 1
    alts = still_alts(at)
    assert len(alts) == len(lesson.figures) - 1
    assert "Good hinge" in alts[2] and "Goblet squat" in alts[2]


def test_opening_a_still_draws_the_3d_figure_in_its_place():
    lesson = load_course().lesson("what-is-a-hinge")
    at = open_3d_models(lesson_app(lesson.id).run())
    assert not at.exception
    assert still_alts(at) == []
    specs = plotly_specs(at)
    assert len(specs) == len(lesson.figures)
    # the hinge against the squat: two bodies, titled, in the third figure of the lesson
    titles = [t["text"][0] for t in specs[2]["data"] if t.get("mode") == "text" and "<b>" in t["text"][0]]
    assert titles == ["<b>Good hinge</b>", "<b>Goblet squat</b>"]
    assert all(chart.proto.alt for chart in at.get("plotly_chart")), "a 3D figure has no text alternative"


def test_a_question_with_a_figure_draws_it_between_its_prompt_and_its_choices(tmp_path, monkeypatch):
    from tests.content_factory import lesson_meta, write_lesson

    folder = write_course(tmp_path / "content", lessons=1)
    meta = lesson_meta("a-1", 1)
    meta["quiz"][2]["figure"] = "quiz-lean-back"
    write_lesson(folder, "01-a-1.md", meta)
    monkeypatch.setenv(CONTENT_DIR_SETTING, str(folder))
    at = lesson_app("a-1").run()
    assert not at.exception
    (alt,) = still_alts(at)  # a still first, like a lesson's figures, saying which is A and which B
    assert alt.startswith("Two models") and "left, A; right, B" in alt, alt
    (spec,) = plotly_specs(open_3d_models(at))
    labels = [t["text"][0] for t in spec["data"] if t.get("mode") == "text" and "<b>" in t["text"][0]]
    assert labels == ["<b>A</b>", "<b>B</b>"]


def test_hip_joint_figure_follows_the_motion_the_learner_picks():
    at = lesson_app("your-hip-joint").run()
    assert "through flexion" in still_alts(at)[0]
    picker = at.button_group[0]
    assert picker.value == "flexion"
    picker.set_value("abduction").run()
    assert not at.exception
    assert "through abduction" in still_alts(at)[0]
    open_3d_models(at)
    assert plotly_specs(at)[0]["layout"]["title"]["text"].startswith("<b>Hip abduction: up to 45°")
    at.button_group[0].set_value("flexion").run()
    assert plotly_specs(at)[0]["layout"]["title"]["text"].startswith("<b>Hip flexion: up to 120°")
