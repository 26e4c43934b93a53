"""The self-check's limits: defaults with reasons, overridden by environment variables."""

from dataclasses import fields

import pytest

from course.settings import ENVIRONMENT, MEBIBYTE, ClipLimits, Settings, SettingsError


def test_defaults_match_the_upload_limit_and_a_set_of_hinges():
    settings = Settings.from_env({})
    assert settings.limits.max_bytes == 200 * MEBIBYTE  # Streamlit's server.maxUploadSize
    assert settings.limits.max_clip_seconds >= 40  # a set of 3-6 hinges takes 15-40 s
    assert settings.limits.accepted_formats == ("mp4", "mov", "webm", "avi")
    assert settings.pose_every_nth == 1


def test_environment_variables_override_the_defaults():
    settings = Settings.from_env({
        "HINGE_MAX_CLIP_MB": "50", "HINGE_MAX_CLIP_SECONDS": "120",
        "HINGE_ANALYSIS_MAX_SIDE": "960", "HINGE_ACCEPTED_FORMATS": "mp4, MKV",
        "HINGE_POSE_EVERY_NTH": "2",
    })
    assert settings.limits.max_bytes == 50 * MEBIBYTE
    assert settings.limits.max_clip_seconds == 120.0
    assert settings.limits.accepted_formats == ("mp4", "mkv")
    assert (settings.analysis_max_side, settings.pose_every_nth) == (960, 2)


@pytest.mark.parametrize("env,fragment", [
    ({"HINGE_MAX_CLIP_MB": "lots"}, "HINGE_MAX_CLIP_MB must be a number"),
    ({"HINGE_POSE_EVERY_NTH": "1.5"}, "whole number"),
    ({"HINGE_POSE_EVERY_NTH": "0"}, "between 1 and 10"),
    ({"HINGE_MAX_CLIP_SECONDS": "inf"}, "HINGE_MAX_CLIP_SECONDS"),
    ({"HINGE_ACCEPTED_FORMATS": "flv"}, "HINGE_ACCEPTED_FORMATS"),
    ({"HINGE_MIN_CLIP_SECONDS": "30", "HINGE_MAX_CLIP_SECONDS": "20"}, "must be below"),
])
def test_a_bad_value_names_the_variable_and_what_it_should_be(env, fragment):
    with pytest.raises(SettingsError, match=fragment):
        Settings.from_env(env)


def test_settings_are_frozen():
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.pose_every_nth = 3  # type: ignore[misc]


def test_every_setting_has_an_environment_variable_a_unit_and_a_reason():
    for cls in (ClipLimits, Settings):
        for item in fields(cls):
            if item.name == "limits":
                continue
            env = item.metadata["env"]
            assert env.startswith("HINGE_") and env in ENVIRONMENT
            assert item.metadata["unit"] and len(item.metadata["why"]) > 40


@pytest.mark.parametrize("fps,step", [(None, 1), (24, 1), (30, 1), (31, 1), (60, 2),
                                      (120, 4), (240, 8)])
def test_fast_clips_are_thinned_to_the_pose_rate(fps, step):
    assert Settings().pose_step(fps) == step
