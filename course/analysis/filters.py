"""Cleaning a measured series: glitches out, short gaps bridged, jitter smoothed.

Each function takes a series of values at increasing times (seconds, possibly uneven: phones
film at a variable frame rate) with NaN where nothing was measured, and returns a cleaned copy:
`reject_outliers` (a Hampel filter), `fill_gaps` (straight lines over short gaps), `smooth`
(zero-phase local quadratic). course.analysis.kinematics runs them, in that order, on every
angle it measures; they know nothing of bodies or hinges.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from course.thresholds import Limit

HAMPEL_HALF_WINDOW = Limit(
    0.2,
    "s",
    "Half-width of the Hampel filter's window: long enough for a robust median (about 12 frames "
    "at 30 frames/s), short against a rep's 2 to 4 seconds.",
)
HAMPEL_SIGMAS = Limit(
    3.0,
    "robust standard deviations",
    "Hampel's usual cut-off (Pearson R.K. 2002, IEEE Trans Control Syst Technol 10(6)).",
)
HAMPEL_FLOOR = Limit(
    2.0,
    "deg",
    "The robust spread is floored at this, so that during a still hold, when the spread is only "
    "landmark jitter, ordinary jitter is not taken for glitches.",
)
HAMPEL_FLOOR_TRAVEL = Limit(0.02, "leg lengths", "The same floor for hip travel, which is not an angle.")
MAX_GAP = Limit(
    0.3,
    "s",
    "Longest time without a measurement that is bridged by a straight line: a hinge barely "
    "changes in 0.3 s away from its turning points; over longer gaps it could turn unseen.",
)
SMOOTH_HALF_WINDOW = Limit(
    0.1,
    "s",
    "Half-width of the local quadratic fit: it passes movement up to about 5 Hz (-3 dB); a rep "
    "lasts 2 to 4 s, so its shape is kept while landmark jitter is halved.",
)
SMOOTH_MIN_POINTS = Limit(
    5,
    "frames",
    "The fewest points the local quadratic is fitted to: a quadratic (3 parameters) through fewer "
    "would follow the noise instead of averaging it.",
)


def reject_outliers(
    t_s: np.ndarray,
    values: np.ndarray,
    *,
    half_window_s: float = HAMPEL_HALF_WINDOW.value,
    sigmas: float = HAMPEL_SIGMAS.value,
    floor: float = HAMPEL_FLOOR.value,
) -> np.ndarray:
    """Hampel filter: a copy of `values` with outliers set to NaN.

    t_s: (n,) increasing seconds; values: (n,) with NaN for missing. A value is an outlier when
    it is more than `sigmas` x max(1.4826 x MAD, `floor`) from the median of the finite values
    within `half_window_s` seconds (at least 3 of them; otherwise it is kept).
    """
    t_s, x = np.asarray(t_s, dtype=float), np.array(values, dtype=float)
    if not np.isfinite(x).any():
        return x
    lo = np.searchsorted(t_s, t_s - half_window_s, side="left")
    hi = np.searchsorted(t_s, t_s + half_window_s, side="right")
    index = lo[:, None] + np.arange(int((hi - lo).max()))[None, :]
    window = np.where(index < hi[:, None], x[np.minimum(index, len(x) - 1)], np.nan)
    with quiet_numpy():
        median = np.nanmedian(window, axis=1)
        spread = 1.4826 * np.nanmedian(np.abs(window - median[:, None]), axis=1)
    enough = np.isfinite(window).sum(axis=1) >= 3
    outlier = enough & (np.abs(x - median) > sigmas * np.maximum(spread, floor))
    return np.where(outlier, np.nan, x)


def fill_gaps(t_s: np.ndarray, values: np.ndarray, *, max_gap_s: float = MAX_GAP.value) -> np.ndarray:
    """A copy of `values` with NaN runs filled by straight lines where the time between the
    finite values either side is at most `max_gap_s` seconds. Leading, trailing and longer gaps
    stay NaN."""
    t_s, x = np.asarray(t_s, dtype=float), np.array(values, dtype=float)
    good = np.flatnonzero(np.isfinite(x))
    if good.size < 2:
        return x
    for before, after in itertools.pairwise(good):
        if after - before > 1 and t_s[after] - t_s[before] <= max_gap_s + 1e-9:
            inside = slice(before + 1, after)
            x[inside] = np.interp(t_s[inside], t_s[[before, after]], x[[before, after]])
    return x


def smooth(t_s: np.ndarray, values: np.ndarray, *, half_window_s: float = SMOOTH_HALF_WINDOW.value) -> np.ndarray:
    """Zero-phase smoothing for uneven timestamps: at every frame, the value at that time of a
    quadratic least-squares fit to the frames within `half_window_s` seconds (widened to at
    least SMOOTH_MIN_POINTS frames), within the unbroken run of finite values it belongs to.
    Runs shorter than SMOOTH_MIN_POINTS frames are left as they are; NaN stays NaN."""
    t_s, x = np.asarray(t_s, dtype=float), np.array(values, dtype=float)
    out = x.copy()
    for start, stop in _runs(np.isfinite(x)):
        if stop - start >= SMOOTH_MIN_POINTS.value:
            out[start:stop] = _local_quadratic(t_s[start:stop], x[start:stop], half_window_s)
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of every run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _local_quadratic(t: np.ndarray, x: np.ndarray, half: float) -> np.ndarray:
    n = len(t)
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    short = hi - lo < SMOOTH_MIN_POINTS.value  # widen by index to the minimum, kept inside the run
    centre = np.arange(n)
    lo = np.where(short, np.clip(centre - SMOOTH_MIN_POINTS.value // 2, 0, n - SMOOTH_MIN_POINTS.value), lo)
    hi = np.where(short, lo + SMOOTH_MIN_POINTS.value, hi)
    width = int((hi - lo).max())
    index = lo[:, None] + np.arange(width)[None, :]
    inside = index < hi[:, None]
    index = np.minimum(index, n - 1)
    u = np.where(inside, (t[index] - t[:, None]) / half, 0.0)  # scaled for conditioning
    w = inside.astype(float)
    design = np.stack([w, w * u, w * u * u], axis=-1)  # (n, width, 3), rows outside are 0
    normal = np.einsum("nwi,nwj->nij", design, design)
    rhs = np.einsum("nwi,nw->ni", design, np.where(inside, x[index], 0.0))
    return np.linalg.solve(normal, rhs[..., None])[:, 0, 0]


@contextmanager
def quiet_numpy() -> Iterator[None]:
    """Silence numpy's warnings about all-NaN rows, which are expected where nothing was seen."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        yield
