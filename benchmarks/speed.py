"""What the self-check costs against the bare minimum, on the same clip, in one run.

    uv run python benchmarks/speed.py CLIP [--repeat N]

Baseline: decode every frame with PyAV and run MediaPipe Pose on every frame, nothing else.
Full: everything the self-check page shows (course.analysis.check.analyse_clip): probe,
decode with rotation and timestamps, pose, people count, view, angles, reps, fault rules,
report, and the annotated H.264 video with its subtitles. Prints both times, frames per
second and their ratio (goal: at most 1.3), and whether the full analysis is faster than
the clip lasts. Runs alternate (baseline, full, baseline, ...) and the medians are
compared, so a busy machine hurts both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")


def bare_baseline(clip: Path) -> tuple[float, int]:
    """Decode + MediaPipe Pose on every frame: the floor any analysis stands on."""
    import av
    import mediapipe as mp

    start = time.perf_counter()
    frames = 0
    with av.open(str(clip)) as container, mp.solutions.pose.Pose(model_complexity=1) as pose:
        for frame in container.decode(video=0):
            pose.process(frame.to_ndarray(format="rgb24"))
            frames += 1
    return time.perf_counter() - start, frames


def full_analysis(clip: Path, cues: object = None) -> tuple[float, float]:
    """The self-check as the page runs it: with the course's cues loaded once beforehand (the
    page reads the course once per server, not once per clip)."""
    import tempfile

    from course.analysis.check import analyse_clip

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        report = analyse_clip(clip, cues=cues, annotate_in=Path(folder)).report
    elapsed = time.perf_counter() - start
    if report.outcome == "refused":
        raise SystemExit(f"{clip.name} was refused ({report.message}); pick a clip the self-check judges")
    return elapsed, float(report.clip.get("duration_s", 0.0))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from course.content import load_course

    cues = load_course().cues
    full_analysis(args.clip, cues)  # warm up: imports, model load
    bare, full, frames, duration = [], [], 0, 0.0
    for _ in range(args.repeat):
        seconds, frames = bare_baseline(args.clip)
        bare.append(seconds)
        seconds, duration = full_analysis(args.clip, cues)
        full.append(seconds)
    b, f = statistics.median(bare), statistics.median(full)
    print(f"clip      {args.clip.name}: {frames} frames, {duration:.1f} s long")
    print(f"baseline  {b:6.2f} s  {frames / b:6.1f} frames/s  (decode + pose on every frame)")
    print(f"full      {f:6.2f} s  {frames / f:6.1f} frames/s  (everything the page shows)")
    print(f"ratio     {f / b:6.2f}  (goal: at most 1.30)")
    print(f"realtime  {f / max(duration, 1e-9):6.2f}  (analysis time / clip length; under 1 is faster than the clip)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
