"""How soon a lesson's words and figures are on a phone screen, against a bare page of the same words.

    uv run python benchmarks/lesson_figures.py [--lesson common-mistakes] [--repeat 3] [--before DIR]

Serves, side by side on loopback: a bare Streamlit page with only the lesson's text (its title
and sections as Markdown), the course, and with ``--before DIR`` the course from another
checkout (e.g. /work/main, to see the change). In headless Chromium at 390 x 844 (software
WebGL) it times, from the start of navigation:
  words    the lesson's last section heading on screen,
  figures  every figure of the lesson drawn (a still picture, or a 3D/2D Plotly figure with its
           WebGL canvas or SVG plot),
  tap      (the course) from a tap on the first "Open the 3D model" until its model is drawn.
Each page is loaded once to warm the server's caches, then ``--repeat`` times in a fresh tab,
alternating pages so a busy machine hurts all alike; medians are printed with the ratio to
the bare page.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GLOG_minloglevel", "2")

from course.content import load_course  # noqa: E402
from tests.browser import CHROMIUM_FLAGS, PHONE, chromium_path, free_port  # noqa: E402

WAIT_MS = 120_000
FIGURE_DRAWN = """n => {
  const main = document.querySelector('[data-testid="stMain"]');
  const stills = [...main.querySelectorAll('[data-testid="stImage"] img')].filter(i => i.complete && i.naturalWidth);
  const plots = [...main.querySelectorAll('.js-plotly-plot')]
    .filter(p => p._fullLayout && p.querySelector('.main-svg'));
  return stills.length + plots.length >= n;
}"""


@contextlib.contextmanager
def served(script: Path, cwd: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=cwd, env={**os.environ, "PYTHONPATH": str(cwd)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def bare_page(lesson, folder: Path) -> Path:
    text = "\n\n".join(section.markdown for section in lesson.sections)
    script = folder / "bare_lesson.py"
    script.write_text(f"import streamlit as st\nst.title({lesson.title!r})\nst.markdown({text!r})\n")
    return script


def time_page(browser, url: str, last_heading: str, figures: int, tap: bool) -> dict[str, float]:
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    started = time.monotonic()
    page.goto(url)
    page.get_by_role("heading", name=last_heading).wait_for(timeout=WAIT_MS)
    times = {"words": time.monotonic() - started}
    if figures:
        page.wait_for_function(FIGURE_DRAWN, arg=figures, timeout=WAIT_MS)
        times["figures"] = time.monotonic() - started
    opener = page.get_by_role("button", name="Open the 3D model").first
    if tap:
        opener.wait_for(timeout=WAIT_MS)
        opener.scroll_into_view_if_needed()
        tapped = time.monotonic()
        opener.click()
        page.locator('[data-testid="stMain"] .js-plotly-plot .updatemenu-button').first.wait_for(timeout=WAIT_MS)
        times["tap"] = time.monotonic() - tapped
    page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="common-mistakes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout of the course to time beside this one")
    args = parser.parse_args()
    lesson = load_course().lesson(args.lesson)
    last = lesson.sections[-1].heading
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        pages = {"bare": (stack.enter_context(served(bare_page(lesson, Path(folder)), Path(folder))), 0)}
        pages["course"] = (
            stack.enter_context(served(ROOT / "course" / "app.py", ROOT)) + f"/{lesson.id}",
            len(lesson.figures),
        )
        if args.before:
            url = stack.enter_context(served(args.before / "course" / "app.py", args.before))
            pages["before"] = (url + f"/{lesson.id}", len(lesson.figures))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in pages}
        for round_ in range(args.repeat + 1):
            for name, (url, figures) in pages.items():
                times = time_page(browser, url, last, figures, tap=name == "course")
                if round_:  # round 0 warms the caches
                    results[name].append(times)
                else:
                    print(f"warm-up {name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()))
        browser.close()
    bare_words = statistics.median(t["words"] for t in results["bare"])
    print(f"\nlesson {lesson.id}, {len(lesson.figures)} figures, medians of {args.repeat} (seconds):")
    for name, runs in results.items():
        medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        said = ", ".join(f"{key} {value:.2f}" for key, value in medians.items())
        print(f"  {name:7s} {said}   (words {medians['words'] / bare_words:.1f}x the bare page)")


if __name__ == "__main__":
    main()
