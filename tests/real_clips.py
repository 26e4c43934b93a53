"""The real clips, and an analysis of each clip made once per test run.

The real clips live outside the project (they carry no licence): HINGE_CLIPS_DIR names their
folder (.ci/run sets it to ../shared/clips). CLIPS is that folder, None where the variable is
unset, and `needs_clips` skips a test then.

Analysing a clip (course.analysis.check.analyse_clip: MediaPipe on every frame) is the slow
part of the suite, and many tests look at the same clip: the page, the command line, the
labels. AnalysisCache keeps each analysis, keyed by what decides it: the clip's bytes, the
exercise chosen and the settings. conftest.py makes one cache for the whole run and offers it
through the fixtures `real_clip_analysis` (a real clip's analysis, by file name) and
`reused_analyses` (the self-check page and `hinge-check`, which analyse the file they are
given, get the kept analysis of the same bytes).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from course.analysis.check import Analysis, OnStage
    from course.content import Cue
    from course.settings import Settings

CLIPS = Path(os.environ["HINGE_CLIPS_DIR"]) if os.environ.get("HINGE_CLIPS_DIR") else None
NO_CLIPS = "HINGE_CLIPS_DIR is not set (.ci/run sets it to ../shared/clips)"
needs_clips = pytest.mark.skipif(CLIPS is None, reason=NO_CLIPS)
NOT_SURE = "not_sure"  # course.analysis.exercises.NOT_SURE, without importing the analysis here


class AnalysisCache:
    """Analyses made once: the same clip bytes, exercise and settings give back the same Analysis.

    Every analysis is made with its annotated video (the page always asks for one, so the page
    and the command line share it); asked for without one, it comes back without its video,
    subtitles and "annotate" timing, as analyse_clip gives it. `runs` counts the analyses
    really made.
    """

    def __init__(self, analyse_clip: Callable[..., Analysis], folder: Path) -> None:
        """analyse_clip: the real course.analysis.check.analyse_clip (taken before any test
        replaces it); folder: where the annotated videos are drawn, one subfolder each."""
        self._analyse_clip = analyse_clip
        self._folder = folder
        self._kept: dict[tuple[str, str, Settings, Path], Analysis] = {}
        self._cues: dict[Path, Mapping[str, Cue]] = {}
        self.runs = 0

    def real_clip(self, name: str, *, exercise: str = NOT_SURE, annotated: bool = True) -> Analysis:
        """The analysis of the real clip CLIPS / name, with the default settings."""
        if CLIPS is None:
            pytest.skip(NO_CLIPS)
        return self.analyse(CLIPS / name, exercise=exercise, annotate_in=self._folder if annotated else None)

    def analyse(
        self,
        path: str | Path,
        *,
        settings: Settings | None = None,
        cues: Mapping[str, Cue] | None = None,
        progress: OnStage | None = None,
        annotate_in: Path | None = None,
        exercise: str = NOT_SURE,
    ) -> Analysis:
        """What analyse_clip(path, ...) returns, made once per clip content, exercise,
        settings and content folder. Cues that are not the content folder's (made by the
        caller) are not kept: that clip is analysed afresh."""
        from course.content import content_dir, load_course
        from course.settings import Settings

        settings = settings or Settings.from_env()
        content = content_dir()
        if content not in self._cues:
            self._cues[content] = load_course(content).cues
        if cues is not None and cues != self._cues[content]:
            return self._analyse_clip(
                path, settings=settings, cues=cues, progress=progress, annotate_in=annotate_in, exercise=exercise
            )
        key = (hashlib.sha256(Path(path).read_bytes()).hexdigest(), exercise, settings, content)
        if key not in self._kept:
            self.runs += 1
            folder = self._folder / f"analysis-{self.runs}"
            folder.mkdir()
            self._kept[key] = self._analyse_clip(
                path,
                settings=settings,
                cues=self._cues[content],
                progress=progress,
                annotate_in=folder,
                exercise=exercise,
            )
        elif progress is not None:
            progress("Done", 1.0)
        analysis = self._kept[key]
        if annotate_in is None and analysis.video is not None:
            timings = {stage: seconds for stage, seconds in analysis.report.timings.items() if stage != "annotate"}
            analysis = dataclasses.replace(
                analysis, report=dataclasses.replace(analysis.report, timings=timings), video=None, subtitles=None
            )
        return analysis
