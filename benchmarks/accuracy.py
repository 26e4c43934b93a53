"""How the self-check does on labelled clips: reps, view and faults against what a coach saw.

    uv run python benchmarks/accuracy.py DIR

DIR holds clips and a labels.yaml in the format of shared/clips/labels.yaml. Prints one
block per clip, then the totals: rep counts right, views right, outcomes right, and fault
true/false positives and negatives (a fault in `faults` must be found; one in `not_faults`
must not be; others are not scored).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import yaml

os.environ.setdefault("GLOG_minloglevel", "2")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    folder = Path(argv[0])
    labels = yaml.safe_load((folder / "labels.yaml").read_text())["clips"]

    from course.analysis.check import check_clip

    totals: Counter[str] = Counter()
    for label in labels:
        report = check_clip(folder / label["file"]).to_json()
        expected_outcome = {"judged": "judged", "partial": "partial", "refused": "refused"}[label["expect"]]
        found = {fault["id"] for fault in report["faults"]}
        reps = len(report["reps"])
        tp = sorted(set(label.get("faults", [])) & found)
        fn = sorted(set(label.get("faults", [])) - found)
        fp = sorted(set(label.get("not_faults", [])) & found)
        totals.update(
            clips=1,
            reps_right=reps == label["reps"],
            view_right=report["view"] == label["view"] or report["outcome"] == "refused",
            outcome_right=report["outcome"] == expected_outcome,
            tp=len(tp), fn=len(fn), fp=len(fp),
        )
        print(f"{label['file']}")
        print(f"  outcome {report['outcome']:8s} (label {expected_outcome}); verdict: {report['verdict']}")
        print(f"  reps    {reps} (label {label['reps']}); view {report['view']} (label {label['view']})")
        print(f"  faults found {sorted(found) or '-'}; missed {fn or '-'}; wrongly reported {fp or '-'}")
        print(f"  {report['message']}")
        print(f"  seconds: {sum(report['timings'].values()):.1f}")
    n = totals["clips"]
    print()
    print(f"TOTAL {n} clips: reps right {totals['reps_right']}/{n}, view right {totals['view_right']}/{n}, "
          f"outcome right {totals['outcome_right']}/{n}; faults: {totals['tp']} found, {totals['fn']} missed, "
          f"{totals['fp']} wrongly reported")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
