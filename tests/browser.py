"""The real app in a real headless Chromium: start it on a free port, open pages, take screenshots.

Its fixtures are registered for every test by tests/conftest.py: `browser`, `app_url` (the course
served for a test module on the run's data folder; a module that needs a store of its own
defines its own) and `shots` (the folder a test's screenshots go to: HINGE_SCREENSHOTS, which
`make screenshots` sets to docs/screenshots, or else the test's own temporary folder). The rest
are helpers the browser tests import."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WAIT_MS = 30_000  # a page's rerun, on a busy two-core machine
SCREENSHOTS = os.environ.get("HINGE_SCREENSHOTS")

# Headless Chromium on a closed network: without the background-networking flags it keeps
# trying to reach Google's hosts (see shared/design/FACTS.md). There is no GPU: WebGL (Plotly's
# 3D scenes) runs on SwiftShader, Chromium's software renderer, which it only offers with the
# three flags of the second line; with `--disable-gpu` instead, 3D plots stay blank.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("HINGE_CHROMIUM")
    if configured and Path(configured).is_file():
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a test module (registered for every test by tests/conftest.py)."""
    executable = chromium_path()
    if executable is None:
        message = "Chromium is not installed: run `make test`, or install Debian's chromium (see README)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The course served for a test module, on the run's data folder."""
    with running_app() as url:
        yield url


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where a test's screenshots go: HINGE_SCREENSHOTS (`make screenshots`), else its own folder."""
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(env: dict[str, str] | None = None, startup_timeout_s: float = 60) -> Iterator[str]:
    """Serve the course with ``streamlit run`` on a free loopback port; yield its address."""
    with app_process(env, startup_timeout_s) as (url, _):
        yield url


class ServerDidNotStart(RuntimeError):
    """``streamlit run`` stopped, or didn't answer its health check, before serving."""


@contextlib.contextmanager
def app_process(
    env: dict[str, str] | None = None,
    startup_timeout_s: float = 60,
    script: Path = ROOT / "course" / "app.py",
    *,
    root: Path = ROOT,
    log_path: str | os.PathLike[str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """As running_app, yielding the server's process too (to signal it); stopped at the end if still running.
    ``script``: another Streamlit script to serve the same way (the benchmarks' bare pages);
    ``root``: the checkout whose ``course`` package it runs (benchmarks/load.py's --before);
    ``log_path``: where the server's output goes (HINGE_APP_LOG, else nowhere). Raises
    ServerDidNotStart."""
    port = free_port()
    log = open(log_path or os.environ.get("HINGE_APP_LOG", os.devnull), "ab")  # noqa: SIM115 -- closed in the finally below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=root,
        env={**os.environ, **(env or {}), **({"PYTHONPATH": str(root)} if root != ROOT else {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if process.poll() is not None:
                raise ServerDidNotStart(f"streamlit exited with code {process.returncode} before serving")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"streamlit did not answer on {url} within {startup_timeout_s:.0f} s")
            time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# --- what the browser tests do and look at ------------------------------------------------------


@contextlib.contextmanager
def kept_on_failure(folder: Path, **pages):
    """Screenshot every page (whole length) into ``folder`` when the block fails, to see why."""
    try:
        yield
    except BaseException:
        for name, page in pages.items():
            with contextlib.suppress(Exception):
                page.screenshot(path=folder / f"failed-{name}.png", full_page=True)
        raise


def wait_for_app(page) -> None:
    """Until Streamlit has finished the current run (no "Running..." status widget)."""
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=WAIT_MS)


def form_with(page, button: str):
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=button))


def sign_up(page, person: dict, *, trainer: bool) -> None:
    page.get_by_role("tab", name="Create an account").click()
    form = page.locator(".st-key-sign-up")
    form.get_by_label("Your name", exact=True).fill(person["name"])
    form.get_by_label("Username", exact=True).fill(person["username"])
    form.get_by_label("Password", exact=True).fill(person["password"])
    # Leaving the field reruns the page and shows the password's strength under it, which moves the
    # button down: a tap aimed before that line came lands beside the button and is lost.
    form.get_by_label("Password", exact=True).blur()
    form.get_by_test_id("stCaptionContainer").wait_for(timeout=WAIT_MS)
    wait_for_app(page)
    if trainer:
        form.get_by_text("I'm a trainer and set homework").click()
    form.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name=re.compile("I've kept them: carry on")).click()


def selectbox_text(selectbox) -> str:
    """What a selectbox shows: its label and the chosen option (kept in its input's value)."""
    return selectbox.evaluate("el => [el.innerText, ...[...el.querySelectorAll('input')].map(i => i.value)].join(' ')")


def open_selectbox(page, selectbox, tries: int = 3) -> None:
    """Tap a selectbox until its list of options is open. A tap that lands while the page is
    being redrawn (a rerun's elements replacing the old ones) leaves the box focused but shut, as
    a person would see it and tap again; so does this, after the app has settled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries):
        wait_for_app(page)
        selectbox.click()
        try:
            page.get_by_role("listbox").wait_for(timeout=3_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"the selectbox {selectbox_text(selectbox)!r} did not open after {tries} taps")


def horizontal_overflow(page) -> int:
    """Pixels by which the widest scrolling box is wider than its window (0 when nothing scrolls sideways)."""
    return page.evaluate(
        """() => Math.max(0, ...[document.documentElement, document.body,
              ...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
              .map(el => el.scrollWidth - el.clientWidth))"""
    )


FIND_TABLE_JS = """first => [...document.querySelectorAll('[data-testid="stMain"] table')]
    .find(table => table.querySelector('th')?.textContent.trim() === first && table.querySelector('tbody td'))"""

READ_TABLE_JS = """async first => {
    const rows = {};
    const read = table => {
        const names = {};
        table.querySelectorAll('thead th').forEach((th, i) =>
            names[th.getAttribute('aria-colindex') ?? i] = th.textContent.trim());
        table.querySelectorAll('tbody tr').forEach((tr, r) => {
            const row = rows[tr.getAttribute('aria-rowindex') ?? r] ??= {};
            tr.querySelectorAll('td').forEach((td, i) =>
                row[names[td.getAttribute('aria-colindex') ?? i]] = td.textContent.trim());
        });
    };
    const table = (FIND_TABLE_JS)(first);
    read(table);
    const grid = table.closest('[data-testid="stDataFrame"]');
    const scroller = grid?.querySelector('.dvn-scroller');
    const headers = () => [...grid.querySelectorAll('table th')].map(th => th.textContent).join('|');
    const scrollTo = async left => {  // the grid redraws its table a little while after it scrolls
        const before = headers();
        scroller.scrollLeft = left;
        for (let waited = 0; waited < 2000 && headers() === before; waited += 50)
            await new Promise(done => setTimeout(done, 50));
    };
    for (let step = 0; scroller && step < 20
             && scroller.scrollLeft + scroller.clientWidth < scroller.scrollWidth - 1; step++) {
        await scrollTo(scroller.scrollLeft + scroller.clientWidth / 2);
        read(grid.querySelector('table'));
    }
    if (scroller && scroller.scrollLeft > 0) await scrollTo(0);
    return Object.values(rows);
}""".replace("FIND_TABLE_JS", FIND_TABLE_JS)


def table_rows(page, first_column: str) -> list[dict[str, str]]:
    """The rows of the table on the page whose first column is ``first_column``, every column.

    Reads an st.dataframe and a Markdown table alike. A data frame is drawn on a canvas; the
    table inside the canvas (for screen readers) holds the cells' values (numbers unformatted)
    of the columns in view only, so the grid is scrolled sideways to read them all."""
    page.wait_for_function(FIND_TABLE_JS, arg=first_column, timeout=WAIT_MS)
    return page.evaluate(READ_TABLE_JS, first_column)


def drawn_pixels(png: bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> int:
    """How many pixels of a screenshot are within ``tolerance`` of a colour."""
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).sum())
