"""The self-check's limits: defaults with reasons, overridden by environment variables."""

import re
from dataclasses import fields

import pytest

from course.settings import ENVIRONMENT, MEGABYTE, ClipLimits, Settings, SettingsError, limit_of
from course.thresholds import Limit


def test_defaults_match_the_upload_limit_and_a_set_of_hinges():
    settings = Settings.from_env({})
    assert settings.limits.max_bytes == 200 * MEGABYTE  # 200 MB as a phone counts them
    assert settings.limits.max_clip_seconds >= 40  # a set of 3-6 hinges takes 15-40 s
    assert settings.limits.accepted_formats == ("mp4", "mov", "webm", "avi")
    assert settings.pose_every_nth == 1


def test_environment_variables_override_the_defaults():
    settings = Settings.from_env(
        {
            "HINGE_MAX_CLIP_MB": "50",
            "HINGE_MAX_CLIP_SECONDS": "120",
            "HINGE_ANALYSIS_MAX_SIDE": "960",
            "HINGE_ACCEPTED_FORMATS": "mp4, MKV",
            "HINGE_POSE_EVERY_NTH": "2",
        }
    )
    assert settings.limits.max_bytes == 50 * MEGABYTE
    assert settings.limits.max_clip_seconds == 120.0
    assert settings.limits.accepted_formats == ("mp4", "mkv")
    assert (settings.analysis_max_side, settings.pose_every_nth) == (960, 2)


@pytest.mark.parametrize(
    "env,fragment",
    [
        ({"HINGE_MAX_CLIP_MB": "lots"}, "HINGE_MAX_CLIP_MB must be a number"),
        ({"HINGE_POSE_EVERY_NTH": "1.5"}, "whole number"),
        ({"HINGE_POSE_EVERY_NTH": "0"}, "between 1 and 10"),
        ({"HINGE_MAX_CLIP_SECONDS": "inf"}, "HINGE_MAX_CLIP_SECONDS"),
        ({"HINGE_ACCEPTED_FORMATS": "flv"}, "HINGE_ACCEPTED_FORMATS"),
        ({"HINGE_MIN_CLIP_SECONDS": "30", "HINGE_MAX_CLIP_SECONDS": "20"}, "must be below"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_should_be(env, fragment):
    with pytest.raises(SettingsError, match=fragment):
        Settings.from_env(env)


def test_settings_are_frozen():
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.pose_every_nth = 3  # type: ignore[misc]


def test_every_setting_is_a_limit_with_an_environment_variable_a_unit_a_reason_and_its_default():
    for cls in (ClipLimits, Settings):
        for item in fields(cls):
            if item.name == "limits":
                continue
            limit = limit_of(item)
            assert isinstance(limit, Limit), f"{item.name} is declared with _setting (one shape for every number)"
            assert limit.env.startswith("HINGE_") and limit.env in ENVIRONMENT
            assert limit.unit and len(limit.why) > 40
            assert limit.value == item.default, "the field's default is the Limit's value"


@pytest.mark.parametrize("fps,step", [(None, 1), (24, 1), (30, 1), (31, 1), (60, 2), (120, 4), (240, 8)])
def test_fast_clips_are_thinned_to_the_pose_rate(fps, step):
    assert Settings().pose_step(fps) == step


@pytest.mark.slow
def test_every_hinge_variable_the_code_or_the_tests_read_is_known_to_the_start_up_check():
    import ast
    from pathlib import Path

    from course.settings import ENVIRONMENT, OTHER_VARIABLES

    def read_in(path: Path) -> set[str]:
        """The HINGE_* names a file reads: string constants in course/ and benchmarks/; in the
        tests only those passed to os.environ.get / os.environ[...] (tests also set misspelt
        names on purpose)."""
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.parent.name != "tests":
            nodes = ast.walk(tree)
        else:
            nodes = [
                node.args[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and node.args
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and ast.unparse(node.func.value) == "os.environ"
            ]
            nodes += [
                node.slice
                for node in ast.walk(tree)
                if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ"
            ]
        return {
            node.value
            for node in nodes
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"HINGE_[A-Z_]+", node.value)
        }

    root = Path(__file__).resolve().parent.parent
    named = set().union(
        *(read_in(path) for folder in ("course", "tests", "benchmarks") for path in (root / folder).rglob("*.py"))
    )
    assert {"HINGE_CLIPS_DIR", "HINGE_DATA_DIR", "HINGE_MAX_CLIP_MB"} <= named
    assert named <= set(ENVIRONMENT) | set(OTHER_VARIABLES)


def test_an_unknown_hinge_variable_is_refused_with_the_nearest_known_name():
    from course.settings import check_environment

    with pytest.raises(
        SettingsError,
        match=r"HINGE_POSE_EVERYNTH is not a setting of the course: did you mean "
        r"HINGE_POSE_EVERY_NTH\?",
    ):
        check_environment({"HINGE_POSE_EVERYNTH": "2"})
    assert (
        check_environment({"HINGE_POSE_EVERY_NTH": "2", "HINGE_DATA_DIR": "/tmp", "PATH": "/bin"}).pose_every_nth == 2
    )
