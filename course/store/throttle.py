"""How long a sign-in must wait after failures: growing waits instead of a lock-out (the numbers
and their reasons are in ``course.store.rules``).

    wait_s(failures=4, free=5, since_last_s=0)   -> 0.0     (still a free try)
    wait_s(failures=7, free=5, since_last_s=1)   -> 3.0     (1 s, doubled twice, 1 s gone)
    wait_s(failures=90, free=5, since_last_s=0)  -> 900.0   (never more than 15 minutes)
"""

from __future__ import annotations

from course.store import rules


def wait_s(*, failures: int, free: float, since_last_s: float) -> float:
    """Seconds the next try must still wait, after ``failures`` failures the last of which was
    ``since_last_s`` ago, when the first ``free`` are free."""
    if failures < free:
        return 0.0
    longest = rules.THROTTLE_LONGEST_WAIT.value * 60
    wait = min(longest, rules.THROTTLE_FIRST_WAIT.value * 2.0 ** min(failures - free, 64))
    return max(0.0, wait - since_last_s)
