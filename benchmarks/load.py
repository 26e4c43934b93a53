"""Many learners at once on one server: page loads against the course and a bare page, in one run.

    uv run --frozen python benchmarks/load.py [--learners 2,12,20] [--duration 40] [--think 4-6]

A "page load" is what a learner's browser does when it opens or reloads a page: open a new
session on Streamlit's websocket (/_stcore/stream), ask for the page's script run (a BackMsg
``rerun_script`` naming the page by its url path, as the browser does), and wait for the
``script_finished`` ForwardMsg. Its time is from opening the socket to that message. No browser
is started: 20 Chromiums on this machine would measure Chromium, not the server. Each load is
checked: the page's own title must be among the elements the run sent (a load that silently
landed on "Page not found" or an error counts as failed, not as fast).

Each simulated learner loads a random page (home, a lesson, the glossary, the self-check) and
then waits a random think time before the next; half of them are signed in (a session cookie
from an account made in the run's own throwaway database, with some progress), half are not.
Everything runs on loopback in one process for the client and one server per app.

The baseline, in the same run and with the same learners: a bare Streamlit page (a tiny
script with ``st.navigation`` at the same addresses, each page only ``st.title`` and
``st.markdown`` of the same text), so a busy machine (other programs, other tests) shows in
both and the ratio stays meaningful. Levels run one after the other, the bare page first, so
only one server is under load at a time.

Reported per level and app: loads, failures, median, p95 and max load time, loads per second,
and the course's median and p95 as a ratio to the bare page's. ``--before PATH`` also serves
the course of another checkout (the main branch's worktree, say) and loads it in the same run,
for a before-and-after on one busy machine. ``--pages no-figures`` leaves out the lessons with
Plotly figures, to see what the rest of a page run costs. ``--analysing CLIP`` keeps one
analysis running beside every level of every app (``hinge-check CLIP`` again and again, as a
learner's upload holds one core with the real pose model), as on a day when someone is
checking their hinge.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.browser, beside this folder

from tests.browser import ServerDidNotStart, app_process  # noqa: E402

LOAD_TIMEOUT_S = 60.0  # a load slower than this is counted as failed (and the learner moves on)
STARTUP_TIMEOUT_S = 90.0  # a server that doesn't answer its health check by then is a failed run
SIGNED_IN_SHARE = 0.5  # the share of learners who are signed in
BARE = "bare page"
ANALYSIS_START_S = 3.0  # --analysing: the analysis's process has loaded MediaPipe by then


class LoadProblem(Exception):
    """Something the benchmark needs is missing or broken; the message says what to do."""


# --- one page load over Streamlit's own protocol -----------------------------------------------


@dataclass(frozen=True)
class PageLoad:
    """One simulated page load: how long it took and whether the page really ran."""

    page: str  # the url path ("" for the home page)
    seconds: float
    ok: bool
    problem: str = ""
    delta_bytes: int = 0  # the size of the page's elements as sent


async def load_page(
    base_url: str, page: str, expected_text: str, *, cookie: str | None = None, timeout_s: float = LOAD_TIMEOUT_S
) -> PageLoad:
    """Open a fresh session on ``base_url`` (http://host:port), run the page at url path
    ``page`` as a browser's first visit would, and wait for its script run to finish.
    ``expected_text`` must appear in the elements the run sent (its title)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    host = base_url.split("://", 1)[1]
    headers = {"Origin": base_url}
    if cookie:
        headers["Cookie"] = cookie
    start = time.perf_counter()
    deltas = bytearray()
    try:
        async with asyncio.timeout(timeout_s):
            async with connect(
                f"ws://{host}/_stcore/stream",
                subprotocols=["streamlit"],  # type: ignore[list-item]
                additional_headers=headers,
                max_size=None,
                compression=None,
            ) as websocket:
                back = BackMsg()
                back.rerun_script.query_string = ""
                back.rerun_script.page_script_hash = ""
                back.rerun_script.page_name = page
                back.rerun_script.context_info.timezone = "Europe/London"
                back.rerun_script.context_info.locale = "en-GB"
                back.rerun_script.context_info.url = f"{base_url}/{page}"
                await websocket.send(back.SerializeToString())
                async for data in websocket:
                    message = ForwardMsg()
                    message.ParseFromString(data if isinstance(data, bytes) else data.encode())
                    kind = message.WhichOneof("type")
                    if kind == "delta":
                        deltas += message.delta.SerializeToString()
                        if message.delta.new_element.WhichOneof("type") == "exception":
                            error = message.delta.new_element.exception
                            return _failed(page, start, f"the page showed an error: {error.type}: {error.message}")
                    elif kind == "page_not_found":
                        return _failed(page, start, f"page not found: {page!r}")
                    elif kind == "script_finished":
                        if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            continue  # the page asked for a rerun itself; the browser waits for that one
                        if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            return _failed(page, start, f"script finished with status {message.script_finished}")
                        break
                else:
                    return _failed(page, start, "the server closed the connection before the page finished")
    except TimeoutError:
        return _failed(page, start, f"no finished page within {timeout_s:.0f} s")
    except OSError as error:
        return _failed(page, start, f"couldn't connect: {error}")
    except Exception as error:  # a refused handshake, a closed socket: the load failed, the run goes on
        return _failed(page, start, f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - start
    if expected_text.encode() not in deltas:
        return PageLoad(page, seconds, False, f"the page's title {expected_text!r} was not in what it sent")
    return PageLoad(page, seconds, True, delta_bytes=len(deltas))


def _failed(page: str, start: float, problem: str) -> PageLoad:
    return PageLoad(page, time.perf_counter() - start, False, problem)


# --- the pages, the learners and the two apps ----------------------------------------------------


@dataclass(frozen=True)
class Page:
    path: str  # url path; "" is the home page
    title: str  # what its st.title shows: the check that the page really ran
    text: str  # Markdown of comparable length, for the bare page
    figures: int = 0  # Plotly figures on the page


def course_pages_to_load() -> list[Page]:
    """Home, every lesson, the glossary and the self-check, from the course's own content."""
    from course.content import content_dir, load_course
    from course.figures import FIGURES

    course = load_course(content_dir(), known_figures=FIGURES)
    glossary = "\n\n".join(f"**{term.term}**  \n{term.definition}" for term in course.glossary)
    home_list = "\n\n".join(f"**{lesson.order}. {lesson.title}**  \n{lesson.summary}" for lesson in course.lessons)
    return [
        Page("", course.home.title, f"{course.home.lead}\n\n{home_list}\n\n{course.home.body}"),
        *(Page(lesson.id, lesson.title, lesson.body, len(lesson.figures)) for lesson in course.lessons),
        Page("glossary", "Glossary", glossary),
        Page("self-check", course.self_check.title, f"{course.self_check.lead}\n\n{course.self_check.body}"),
    ]


BARE_SCRIPT = '''"""The baseline of benchmarks/load.py: the same addresses and text, nothing else."""
import json
from functools import partial
from pathlib import Path

import streamlit as st

PAGES = json.loads(Path(__file__).with_name("pages.json").read_text())


def show(title, text):
    st.title(title)
    st.markdown(text)


st.navigation(
    [
        st.Page(partial(show, page["title"], page["text"]), title=page["title"], url_path=page["path"] or "home",
                default=not page["path"])
        for page in PAGES
    ]
).run()
'''


@dataclass
class Results:
    loads: list[PageLoad] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def good(self) -> list[float]:
        return sorted(load.seconds for load in self.loads if load.ok)

    def summary(self) -> dict[str, float | int]:
        good = self.good
        return {
            "loads": len(good),
            "failed": len(self.loads) - len(good),
            "median_s": statistics.median(good) if good else float("nan"),
            "p95_s": _percentile(good, 0.95),
            "max_s": max(good) if good else float("nan"),
            "loads_per_s": len(good) / self.elapsed_s if self.elapsed_s else 0.0,
        }


def _percentile(ordered: Sequence[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def learner(
    base_url: str,
    pages: Sequence[Page],
    cookie: str | None,
    think: tuple[float, float],
    until: float,
    results: Results,
    rng: random.Random,
) -> None:
    """One learner: a page, a think, a page... until ``until`` (loop time); the first load
    starts at a random moment within one think time, so learners don't all arrive at once."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(rng.uniform(0, think[1]))
    while loop.time() < until:
        page = rng.choice(pages)
        results.loads.append(await load_page(base_url, page.path, page.title, cookie=cookie))
        await asyncio.sleep(rng.uniform(*think))


async def run_level(
    base_url: str, pages: Sequence[Page], cookies: Sequence[str | None], duration_s: float, think: tuple[float, float]
) -> Results:
    results = Results()
    loop = asyncio.get_running_loop()
    start = loop.time()
    rng = random.Random(len(cookies))  # the same page sequence for both apps at one level
    await asyncio.gather(
        *(
            learner(base_url, pages, cookie, think, start + duration_s, results, random.Random(rng.random()))
            for cookie in cookies
        )
    )
    results.elapsed_s = loop.time() - start
    return results


@contextlib.contextmanager
def streamlit_server(script: Path, env: dict[str, str], log_path: Path, root: Path = ROOT) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port, as the course is served, with the
    ``course`` package of the checkout at ``root``; its address."""
    try:
        with app_process(env, STARTUP_TIMEOUT_S, script, root=root, log_path=log_path) as (url, _):
            yield url
    except ServerDidNotStart as problem:
        raise LoadProblem(f"{problem}; see {log_path}") from None


@contextlib.asynccontextmanager
async def analysis_running(clip: Path | None, log_path: Path):
    """``hinge-check clip`` run again and again until the block ends (nothing if clip is None)."""
    if clip is None:
        yield
        return
    stop = asyncio.Event()

    async def analyse_again_and_again() -> None:
        with log_path.open("ab") as log:
            while not stop.is_set():
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "course.cli", str(clip), cwd=ROOT, stdout=log, stderr=log
                )
                waiting = asyncio.ensure_future(process.wait())
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not waiting.done():
                    process.kill()
                    await process.wait()
                stopping.cancel()

    task = asyncio.create_task(analyse_again_and_again())
    await asyncio.sleep(ANALYSIS_START_S)  # the pose model loaded and the frames being read
    try:
        yield
    finally:
        stop.set()
        await task


def signed_in_cookies(database_url: str, count: int, lesson_ids: Sequence[str]) -> list[str]:
    """``count`` member accounts in the run's database, each with a live session and some
    progress (lessons read, a quiz tried); their session cookies."""
    from argon2 import PasswordHasher

    from course.progress import QuizAttempt
    from course.store import open_store
    from course.views.session import SESSION_COOKIE

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # sign-up is not measured
    cookies = []
    with open_store(database_url, hasher=cheap) as store:
        for number in range(count):
            account = store.sign_up(
                f"learner{number}", f"load-test password {number}", display_name=f"Learner {number}", role="member"
            )
            progress = store.progress(account)
            for lesson_id in lesson_ids[: number % len(lesson_ids)]:
                progress.mark_read(lesson_id)
            progress.record_quiz_attempt(QuizAttempt(lesson_ids[0], {}, 1, 4, datetime.now(UTC)))
            cookies.append(f"{SESSION_COOKIE}={store.start_session(account)}")
    return cookies


def print_level(learners: int, results: dict[str, Results]) -> dict[str, object]:
    """One level's figures, per app; each app's median and p95 against the bare page's (the first)."""
    summaries = {name: result.summary() for name, result in results.items()}
    bare = summaries[BARE]
    level: dict[str, object] = {"learners": learners}
    for name, s in summaries.items():
        print(
            f"  {learners:>3} learners  {name:<13}  {s['loads']:>4} loads  {s['failed']:>3} failed  "
            f"median {s['median_s']:6.3f} s  p95 {s['p95_s']:6.3f} s  max {s['max_s']:6.3f} s  "
            f"{s['loads_per_s']:5.2f} loads/s"
        )
        level[name] = dict(s)
    for name, s in summaries.items():
        if name == BARE:
            continue
        ratio_median = s["median_s"] / bare["median_s"] if bare["median_s"] else float("nan")
        ratio_p95 = s["p95_s"] / bare["p95_s"] if bare["p95_s"] else float("nan")
        print(f"  {learners:>3} learners  {name} / bare page: median x{ratio_median:.2f}, p95 x{ratio_p95:.2f}")
        level[f"{name} median ratio"], level[f"{name} p95 ratio"] = ratio_median, ratio_p95
    for name, result in results.items():
        by_page: dict[str, list[float]] = {}
        for load in result.loads:
            if load.ok:
                by_page.setdefault(load.page or "home", []).append(load.seconds)
        medians = " · ".join(f"{page} {statistics.median(times):.2f}" for page, times in sorted(by_page.items()))
        print(f"      {name}, median s by page: {medians}")
        level[f"{name} by page"] = {page: statistics.median(times) for page, times in by_page.items()}
    problems = sorted({load.problem for result in results.values() for load in result.loads if not load.ok})
    for problem in problems[:5]:
        print(f"      failed load: {problem}")
    return level


def parse_think(text: str) -> tuple[float, float]:
    try:
        low, _, high = text.partition("-")
        think = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"think time {text!r} is not 'SECONDS' or 'LOW-HIGH' (e.g. 4-6)") from None
    if not 0 <= think[0] <= think[1]:
        raise argparse.ArgumentTypeError(f"think time {text!r}: give 0 <= LOW <= HIGH")
    return think


def parse_levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"learners {text!r} is not a list of whole numbers (e.g. 2,12,20)") from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("give at least one level of 1 learner or more")
    return levels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Page loads by many simulated learners at once, against the course and a bare Streamlit page "
        "with the same text, on loopback, in one run.",
    )
    parser.add_argument(
        "--learners", type=parse_levels, default=[2, 12, 20], help="learners at once, per level (2,12,20)"
    )
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of load per level and app (40)")
    parser.add_argument("--think", type=parse_think, default=(4.0, 6.0), help="seconds between a learner's loads (4-6)")
    parser.add_argument(
        "--pages",
        choices=("all", "no-figures"),
        default="all",
        help="all pages (default), or only those without a Plotly figure: what the rest of a page run costs",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="also load the course of another checkout (e.g. the main branch's worktree), in the same run",
    )
    parser.add_argument(
        "--analysing",
        type=Path,
        metavar="CLIP",
        help="keep one analysis of this clip running beside every level and app, as a learner's upload does",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--log", type=Path, help="the servers' output (default: a file in the run's temporary folder)")
    args = parser.parse_args(argv)
    if args.before is not None:
        args.before = args.before.resolve()
        if not (args.before / "course" / "app.py").is_file():
            parser.error(f"--before {args.before}: no course/app.py there")
    if args.analysing is not None:
        args.analysing = args.analysing.resolve()
        if not args.analysing.is_file():
            parser.error(f"--analysing {args.analysing}: no such clip")
    try:
        return asyncio.run(_run(args))
    except LoadProblem as problem:
        print(f"load.py: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("load.py: stopped", file=sys.stderr)
        return 130


async def _run(args: argparse.Namespace) -> int:
    try:
        import streamlit  # noqa: F401
        import websockets  # noqa: F401
    except ImportError as missing:
        raise LoadProblem(
            f"{missing.name} is not installed: run this with `uv run --frozen python benchmarks/load.py`"
        ) from None
    from course.content import ContentError

    try:
        pages = course_pages_to_load()
    except ContentError as problem:
        raise LoadProblem(f"the course's content can't be loaded: {problem}") from None
    lesson_ids = [page.path for page in pages[1:-2]]
    if args.pages == "no-figures":
        pages = [page for page in pages if not page.figures]
    with tempfile.TemporaryDirectory(prefix="hinge-load-") as folder_name:
        folder = Path(folder_name)
        log = args.log or folder / "servers.log"
        (folder / "pages.json").write_text(json.dumps([page.__dict__ for page in pages]))
        (folder / "bare.py").write_text(BARE_SCRIPT)
        database_url = f"sqlite:///{folder / 'course.sqlite3'}"
        most = max(args.learners)
        signed = signed_in_cookies(database_url, round(most * SIGNED_IN_SHARE), lesson_ids)
        env = {"DATABASE_URL": database_url, "GLOG_minloglevel": "2"}
        print(
            f"{len(pages)} pages ({args.pages}); levels {args.learners} learners, {args.duration:.0f} s each, think "
            f"{args.think[0]:g}-{args.think[1]:g} s, {SIGNED_IN_SHARE:.0%} signed in; {os.cpu_count()} cores"
            + (f"; analysing {args.analysing.name} all along" if args.analysing else "")
        )
        with contextlib.ExitStack() as servers:
            apps = {BARE: servers.enter_context(streamlit_server(folder / "bare.py", env, log))}
            if args.before:
                apps["course before"] = servers.enter_context(
                    streamlit_server(args.before / "course" / "app.py", env, log, args.before)
                )
            apps["course"] = servers.enter_context(streamlit_server(ROOT / "course" / "app.py", env, log))
            for url in apps.values():  # the first run of a server imports and caches: not measured
                for page in pages:
                    warm = await load_page(url, page.path, page.title, cookie=signed[0] if signed else None)
                    if not warm.ok:
                        raise LoadProblem(f"a first load of {url}/{page.path} failed: {warm.problem}; see {log}")
            levels = []
            for learners in args.learners:
                cookies = [signed[n // 2] if n % 2 == 0 and n // 2 < len(signed) else None for n in range(learners)]
                results = {}
                for name, url in apps.items():  # one after the other: only one server is under load at a time
                    async with analysis_running(args.analysing, log):
                        results[name] = await run_level(url, pages, cookies, args.duration, args.think)
                levels.append(print_level(learners, results))
    if args.json:
        args.json.write_text(json.dumps(levels, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
