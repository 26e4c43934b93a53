"""The real app in a real headless Chromium: start it on a free port, open pages, take screenshots."""

from __future__ import annotations

import contextlib
import os
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

# Headless Chromium on a closed network: without the background-networking flags it keeps
# trying to reach Google's hosts (see shared/design/FACTS.md). There is no GPU: WebGL (Plotly's
# 3D scenes) runs on SwiftShader, Chromium's software renderer, which it only offers with the
# three flags of the second line; with `--disable-gpu` instead, 3D plots stay blank.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
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
    """Headless Chromium for a test module (a fixture: import it into the module that uses it)."""
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


@contextlib.contextmanager
def app_process(env: dict[str, str] | None = None,
                startup_timeout_s: float = 60) -> Iterator[tuple[str, subprocess.Popen]]:
    """As running_app, yielding the server's process too (to signal it); stopped at the end if still running."""
    port = free_port()
    log = open(os.environ.get("HINGE_APP_LOG", os.devnull), "ab")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "course" / "app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode} before serving")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {url} within {startup_timeout_s:.0f} s")
            time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
