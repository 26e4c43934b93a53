"""How the self-check does on labelled clips: reps, view and faults against what a coach saw.

    uv run python benchmarks/accuracy.py DIR
    uv run python benchmarks/accuracy.py --as-labelled DIR
    uv run python benchmarks/accuracy.py --stress DIR

DIR holds clips and a labels.yaml in the format of shared/clips/labels.yaml. Prints one
block per clip, then the totals: rep counts right, views right, outcomes right, and fault
true/false positives and negatives (a fault in `faults` must be found; one in `not_faults`
must not be; others are not scored).

--as-labelled: each clip is checked as the learner who filmed it would have said on the page
("What did you film?"), from its label's `exercise` (see `chosen_exercise`); without it every
clip is checked as "Not sure", the default.

--stress: the stress cases of tests/stress.py, derived from DIR's clips (a rolled phone, a
bystander, a second lifter, a plate over the knees, cuts, the person removed), one line each,
then a table per condition: outcome right, faults wrongly reported, faults missed, reps right, said why.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import yaml

os.environ.setdefault("GLOG_minloglevel", "2")


def chosen_exercise(label: str) -> str:
    """The choice on the page that a label's free-text exercise names ("barbell Romanian deadlift
    from standing" -> romanian_deadlift); "not_sure" for anything the page does not offer (a
    goblet squat, no exercise at all)."""
    text = label.lower()
    for words, exercise in (
        (("single-leg", "single leg"), "single_leg_rdl"),
        (("romanian", "rdl"), "romanian_deadlift"),
        (("swing",), "kettlebell_swing"),
        (("good morning",), "good_morning"),
        (("dowel", "hinge drill"), "hinge_drill"),
        (("kettlebell deadlift",), "kettlebell_deadlift"),
        (("deadlift",), "floor_deadlift"),
    ):
        if any(word in text for word in words):
            return exercise
    return "not_sure"


def main(argv: list[str]) -> int:
    stress = argv[:1] == ["--stress"]
    argv = argv[1:] if stress else argv
    as_labelled = argv[:1] == ["--as-labelled"]
    argv = argv[1:] if as_labelled else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv in (["-h"], ["--help"]) else 2
    folder = Path(argv[0])
    if stress:
        if not folder.is_dir():
            print(f"accuracy.py: no such folder of clips: {folder}", file=sys.stderr)
            return 2
        return stress_table(folder)
    if not (folder / "labels.yaml").is_file():
        print(f"accuracy.py: no labels.yaml in {folder}: give a folder of clips with their labels", file=sys.stderr)
        return 2
    labels = yaml.safe_load((folder / "labels.yaml").read_text())["clips"]

    from course.analysis.check import check_clip

    totals: Counter[str] = Counter()
    for label in labels:
        exercise = chosen_exercise(label.get("exercise", "")) if as_labelled else "not_sure"
        report = check_clip(folder / label["file"], exercise=exercise).to_json()
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
            tp=len(tp),
            fn=len(fn),
            fp=len(fp),
        )
        print(f"{label['file']}" + (f" (checked as {exercise})" if as_labelled else ""))
        print(f"  outcome {report['outcome']:8s} (label {expected_outcome}); verdict: {report['verdict']}")
        print(f"  reps    {reps} (label {label['reps']}); view {report['view']} (label {label['view']})")
        print(f"  faults found {sorted(found) or '-'}; missed {fn or '-'}; wrongly reported {fp or '-'}")
        print(f"  {report['message']}")
        print(f"  seconds: {sum(report['timings'].values()):.1f}")
    n = totals["clips"]
    print()
    print(
        f"TOTAL {n} clips: reps right {totals['reps_right']}/{n}, view right {totals['view_right']}/{n}, "
        f"outcome right {totals['outcome_right']}/{n}; faults: {totals['tp']} found, {totals['fn']} missed, "
        f"{totals['fp']} wrongly reported"
    )
    return 0


def stress_table(folder: Path) -> int:
    """Run every stress case derived from the clips in `folder` and print a table per condition."""
    import re
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.stress, beside this folder
    from course.analysis.check import check_clip
    from tests.stress import STRESS_CASES, find_person, read_frames, write_frames

    sources: dict[tuple[str, float], tuple] = {}
    per_condition: dict[str, Counter[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for case in STRESS_CASES:
            key = (case.source, case.seconds)
            if key not in sources:
                frames = read_frames(folder / case.source, seconds=case.seconds)
                sources[key] = (frames, find_person(frames))
            frames, person = sources[key]
            clip = write_frames(Path(scratch) / (re.sub(r"\W+", "-", case.name) + ".mp4"), case.derive(frames, person))
            report = check_clip(clip).to_json()
            found = {fault["id"] for fault in report["faults"]}
            said = " ".join([report["message"], *report["notes"], *(item["why"] for item in report["not_judged"])])
            right = report["outcome"] in case.outcome and report["problem"] == case.problem
            wrong_faults = sorted(found & case.must_not_find)
            missed = sorted(case.must_find - found)
            reps_right = case.reps is None or len(report["reps"]) == case.reps
            per_condition.setdefault(case.name, Counter()).update(
                cases=1,
                outcome_right=right,
                wrong_faults=len(wrong_faults),
                missed=len(missed),
                reps_right=reps_right,
                said=case.note in said,
            )
            print(
                f"{case.name:32s} {case.source:28s} {report['outcome']:8s} (want {'/'.join(sorted(case.outcome))})"
                f"{'' if right else '  WRONG'}  reps {len(report['reps'])}  wrong faults {wrong_faults or '-'}"
                f"  missed {missed or '-'}"
            )
    print()
    print(
        f"{'condition':32s} {'cases':>5s} {'outcome right':>14s} {'faults wrongly reported':>24s} "
        f"{'faults missed':>14s} {'reps right':>11s} {'said why':>9s}"
    )
    total: Counter[str] = Counter()
    for name, counts in per_condition.items():
        total.update(counts)
        print(
            f"{name:32s} {counts['cases']:5d} {counts['outcome_right']:14d} {counts['wrong_faults']:24d} "
            f"{counts['missed']:14d} {counts['reps_right']:11d} {counts['said']:9d}"
        )
    print(
        f"{'TOTAL':32s} {total['cases']:5d} {total['outcome_right']:14d} {total['wrong_faults']:24d} "
        f"{total['missed']:14d} {total['reps_right']:11d} {total['said']:9d}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
