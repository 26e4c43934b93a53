"""A lesson's figures in headless Chromium: its words at once, a still of each figure, the 3D model
on a tap, and the model's Play and slider worked from the keyboard."""

from __future__ import annotations

import time

import pytest

from course.content import load_course
from course.views.figure_view import OPEN_LABEL
from tests.browser import PHONE, WAIT_MS, horizontal_overflow

pytestmark = pytest.mark.browser

LESSON = "common-mistakes"  # the lesson with the most 3D figures


def _lesson():
    return next(lesson for lesson in load_course().lessons if lesson.id == LESSON)


def _phone(browser):
    return browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def test_a_lesson_shows_its_words_and_a_still_of_every_figure_with_no_3d_drawn(browser, app_url, shots):
    lesson = _lesson()
    page = _phone(browser)
    page.goto(f"{app_url}/{LESSON}")
    page.get_by_role("heading", name=lesson.sections[-1].heading).wait_for(timeout=WAIT_MS)
    drawn = len(lesson.figures) + sum(question.figure is not None for question in lesson.quiz)
    stills = page.locator('[data-testid="stMain"] [data-testid="stImage"] img')
    stills.nth(drawn - 1).wait_for(timeout=WAIT_MS)  # the quiz's figures come after the lesson's
    names = stills.evaluate_all("imgs => imgs.map(img => img.alt)")
    assert len(names) >= drawn
    assert all(name and "Good hinge" in name and "°" in name for name in names[: len(lesson.figures)]), names
    assert all(names[:drawn]), "a still has no text alternative"
    assert page.get_by_role("button", name=OPEN_LABEL).count() == drawn
    lesson_plots = page.locator('[data-testid="stMain"] .js-plotly-plot .gl-container canvas')
    assert lesson_plots.count() == 0, "the lesson drew a 3D figure before anyone asked"
    stills.first.scroll_into_view_if_needed()
    assert horizontal_overflow(page) == 0
    page.screenshot(path=shots / "lesson-figure-still-phone.png")
    page.close()


def test_opening_a_figure_draws_its_3d_model_and_the_keyboard_plays_and_steps_it(browser, app_url, shots):
    page = _phone(browser)
    page.goto(f"{app_url}/{LESSON}")
    opener = page.get_by_role("button", name=OPEN_LABEL).first
    opener.wait_for(timeout=WAIT_MS)
    opener.scroll_into_view_if_needed()
    started = time.monotonic()
    opener.click()
    figure = page.locator('[class*="st-key-plot-"]').filter(has=page.locator(".js-plotly-plot")).first
    plot = figure.locator(".js-plotly-plot")
    plot.locator(".updatemenu-button").first.wait_for(timeout=WAIT_MS)
    drawn_s = time.monotonic() - started
    plot.scroll_into_view_if_needed()
    assert figure.locator('[aria-label*="Good hinge"]').count(), "the 3D figure has no text alternative"
    play = plot.locator('.updatemenu-button[role="button"][aria-label="Play"]')
    play.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(500)
    page.screenshot(path=shots / "lesson-figure-3d-phone.png")

    frame = "el => el.layout.sliders[0].active"
    opening = plot.evaluate(frame)
    play.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # reached from the keyboard, not only by focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Play"
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    playing = plot.evaluate(frame)
    assert playing != opening, "Enter on Play did not move the animation on"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Pause"
    page.keyboard.press(" ")
    page.wait_for_timeout(300)
    paused = plot.evaluate(frame)
    page.wait_for_timeout(600)
    assert plot.evaluate(frame) == paused, "Space on Pause did not stop the animation"

    slider = plot.locator('.slider-container[role="slider"]')
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_timeout(300)
    assert plot.evaluate(frame) == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert plot.evaluate(frame) == 2, "the arrow keys did not step the slider"
    assert slider.get_attribute("aria-valuenow") == "2"
    print(f"tapped 3D figure drawn in {drawn_s:.2f} s")
    page.close()
