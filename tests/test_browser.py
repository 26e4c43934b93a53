"""End to end: a learner opens the course in headless Chromium, reads a lesson and answers a question."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course.content import load_course
from tests.browser import DESKTOP, PHONE, WAIT_MS, drawn_pixels, horizontal_overflow, wait_for_app

pytestmark = pytest.mark.browser


def open_first_lesson(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Learn the hip hinge").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Start: 1. Your hip joint").click()
    page.get_by_role("heading", name="Your hip joint", exact=True).wait_for(timeout=WAIT_MS)


def answer_first_question(page):
    quiz = load_course().lessons[0].quiz
    index, question = next((i, q) for i, q in enumerate(quiz) if not q.allows_several)  # answered in a radio group
    right = next(choice for choice in question.choices if choice.correct)
    group = page.get_by_role("radiogroup", name=question.prompt)
    group.get_by_text(right.text, exact=True).click()
    page.get_by_role("button", name="Check answer").nth(index).click()  # one button per unanswered question
    verdict = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Right.").first
    verdict.wait_for(timeout=WAIT_MS)
    return question, verdict


def test_learner_answers_a_quiz_question_and_sees_why_on_desktop(browser, app_url, shots):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(app_url)
    page.get_by_role("heading", name="Learn the hip hinge").wait_for(timeout=WAIT_MS)
    page.screenshot(path=shots / "home-desktop.png")
    open_first_lesson(page, app_url)
    cut_short = page.get_by_test_id("stSidebarNavLink").evaluate_all(
        "links => links.map(a => a.querySelector('span'))"
        ".filter(s => s.scrollWidth > s.clientWidth).map(s => s.textContent)"
    )
    assert cut_short == [], f"the menu cuts these lesson titles short: {cut_short}"
    question, verdict = answer_first_question(page)
    assert question.explanation.split(".")[0] in verdict.inner_text()
    verdict.scroll_into_view_if_needed()
    page.screenshot(path=shots / "quiz-desktop.png")
    page.close()


def test_course_fits_a_phone_screen(browser, app_url, shots):
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(app_url)
    page.get_by_role("heading", name="Learn the hip hinge").wait_for(timeout=WAIT_MS)
    assert horizontal_overflow(page) == 0
    page.screenshot(path=shots / "home-phone.png")

    open_first_lesson(page, app_url)
    assert horizontal_overflow(page) == 0
    page.screenshot(path=shots / "lesson-phone.png")
    question, verdict = answer_first_question(page)
    verdict.scroll_into_view_if_needed()
    assert horizontal_overflow(page) == 0
    page.screenshot(path=shots / "quiz-phone.png")
    # A checked question's locked choices stay readable, not faded like a disabled widget.
    locked = (
        page.get_by_role("radiogroup", name=question.prompt)
        .locator("p")
        .evaluate_all("ps => ps.map(p => getComputedStyle(p).color)")
    )
    assert locked and all(colour.startswith("rgb(") for colour in locked), locked
    # Choices are tappable with a thumb: each option is at least 44 px tall (see course/views/phone.css).
    heights = page.get_by_test_id("stRadioOption").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, heights
    page.close()


def test_typed_home_address_opens_home_at_the_root(browser, app_url):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{app_url}/home")
    page.get_by_role("heading", name="Learn the hip hinge").wait_for(timeout=WAIT_MS)
    page.wait_for_url(app_url.rstrip("/") + "/", timeout=WAIT_MS)
    assert page.get_by_text("Page not found").count() == 0
    # The forwarding page isn't in the menu: Home is there once, and it leads to the root.
    menu = page.get_by_test_id("stSidebarNavLink")
    names = [name.strip().splitlines()[-1] for name in menu.all_inner_texts()]  # after the icon's name
    assert names.count("Home") == 1, names
    assert menu.nth(names.index("Home")).get_attribute("href") == app_url.rstrip("/") + "/"
    page.close()


def open_first_3d_model(page):
    """Tap a lesson's first "Open the 3D model" (figures show a still first); its plot."""
    from course.views.figure_view import OPEN_LABEL

    page.get_by_role("button", name=OPEN_LABEL).first.click(timeout=WAIT_MS)
    plot = page.locator('[class*="st-key-plot-"] .js-plotly-plot').first
    plot.locator(".updatemenu-button").first.wait_for(timeout=WAIT_MS)  # drawn once its scene is
    wait_for_app(page)
    return plot


def test_3d_body_figure_is_drawn_in_a_lesson_on_a_phone(browser, app_url, shots):
    from course.figures.body import COM, NEAR

    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{app_url}/what-is-a-hinge")
    plot = open_first_3d_model(page)
    plot.wait_for(timeout=WAIT_MS)
    plot.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # WebGL draws on the next animation frames
    png = plot.screenshot(path=shots / "figure-hinge-phone.png")
    assert page.get_by_text("WebGL is not supported").count() == 0
    assert drawn_pixels(png, _hex_rgb(NEAR)) > 500, "the body's bones are not drawn"
    assert drawn_pixels(png, _hex_rgb(COM)) > 50, "the centre of mass is not drawn"
    assert horizontal_overflow(page) == 0
    page.close()


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_learner_can_play_the_hinge_and_turn_the_model(browser, app_url):
    page = browser.new_page(viewport=PHONE, device_scale_factor=1)
    page.goto(f"{app_url}/what-is-a-hinge")
    plot = open_first_3d_model(page)
    plot.wait_for(timeout=WAIT_MS)
    plot.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    state = "el => [el.layout.sliders[0].active, JSON.stringify(el._fullLayout.scene._scene.getCamera().eye)]"
    opening_frame, opening_eye = plot.evaluate(state)

    box = plot.bounding_box()  # the scene fills the top of the plot, above the play controls
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.27, steps=8)
    page.mouse.up()
    page.wait_for_timeout(500)
    _, turned_eye = plot.evaluate(state)
    assert turned_eye != opening_eye, "dragging did not turn the model"

    plot.get_by_text("▶ Play").click()
    page.wait_for_timeout(1500)
    playing_frame, _ = plot.evaluate(state)
    assert playing_frame != opening_frame, "Play did not move the animation on"
    plot.get_by_text("❚❚ Pause").click()
    page.close()


CLIPS = Path(os.environ["HINGE_CLIPS_DIR"]) if os.environ.get("HINGE_CLIPS_DIR") else None


def upload(page, app_url: str, clip: Path) -> None:
    page.goto(f"{app_url}/self-check")
    page.get_by_role("heading", name="Check your hinge").wait_for(timeout=WAIT_MS)
    page.locator('input[type="file"]').set_input_files(str(clip))


def test_a_file_that_is_not_a_video_gets_a_plain_message_in_the_browser(browser, app_url, tmp_path, shots):
    notes = tmp_path / "notes.mp4"
    notes.write_text("squats on Monday")
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    upload(page, app_url, notes)
    message = page.get_by_text("doesn't look like a video")
    message.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Traceback").count() == 0
    assert horizontal_overflow(page) == 0
    page.close()


@pytest.mark.skipif(CLIPS is None, reason="HINGE_CLIPS_DIR is not set (.ci/run sets it to ../shared/clips)")
def test_learner_uploads_a_real_clip_and_reads_the_verdict_on_a_phone(browser, app_url, shots):
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    upload(page, app_url, CLIPS / "rdl-rounded-back-side.mp4")
    verdict = page.get_by_text("One thing to fix: your back rounded.")
    verdict.wait_for(timeout=120_000)
    page.get_by_text("Your clip has been deleted").wait_for(timeout=WAIT_MS)  # the whole report is drawn
    verdict.scroll_into_view_if_needed()
    page.screenshot(path=shots / "self-check-phone.png")
    assert page.get_by_text("Your back rounded").count() >= 1
    assert page.get_by_role("link", name="Learn the fix: Lesson 5, 2. Rounded back").count() == 1
    video = page.locator("video").first
    video.scroll_into_view_if_needed()
    duration = video.evaluate(
        """v => v.readyState >= 1 ? v.duration : new Promise(done => {
               v.addEventListener('loadedmetadata', () => done(v.duration), {once: true}); v.load(); })"""
    )
    assert 3.0 < duration < 5.0, f"the annotated video does not play (duration {duration})"
    assert video.evaluate("v => v.querySelectorAll('track').length") >= 1, "no subtitles track"
    # The angle chart is the one plot drawn; the 3D replay is a still with its words until tapped
    # (the cue's figure, a still too, waits in its closed expander, out of the accessibility tree).
    assert page.locator(".js-plotly-plot").count() == 1
    assert page.get_by_role("img", name="Two models of a person seen from the side").count() == 1
    chart = page.locator(".js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    assert drawn_pixels(chart.screenshot(), (15, 118, 110)) > 100, "the hip angle curve is not drawn"
    assert horizontal_overflow(page) == 0
    page.close()
