"""The real app in a real headless Chromium: start it on a free port, open pages, take screenshots.

The `browser` fixture is registered for every test by tests/conftest.py; the rest are helpers the
browser tests import."""

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
    if trainer:
        form.get_by_text("I'm a trainer and set homework").click()
    form.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name=re.compile("I've kept them: carry on")).click()


def selectbox_text(selectbox) -> str:
    """What a selectbox shows: its label and the chosen option (kept in its input's value)."""
    return selectbox.evaluate("el => [el.innerText, ...[...el.querySelectorAll('input')].map(i => i.value)].join(' ')")


def horizontal_overflow(page) -> int:
    """Pixels by which the widest scrolling box is wider than its window (0 when nothing scrolls sideways)."""
    return page.evaluate(
        """() => Math.max(0, ...[document.documentElement, document.body,
              ...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
              .map(el => el.scrollWidth - el.clientWidth))"""
    )


def drawn_pixels(png: bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> int:
    """How many pixels of a screenshot are within ``tolerance`` of a colour."""
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).sum())
