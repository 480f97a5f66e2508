"""Where Whisper checkpoints are looked for in the models folder."""

from __future__ import annotations

from pathlib import Path

from assistant.models.speech_models import (
    available_whisper_models,
    find_whisper_checkpoint,
    missing_whisper_sentence,
    whisper_setting_for,
)


def test_checkpoints_are_found_by_their_usual_names(tmp_path: Path) -> None:
    (tmp_path / "tiny.en.pt").write_bytes(b"x")
    (tmp_path / "whisper").mkdir()
    (tmp_path / "whisper" / "whisper-base.pt").write_bytes(b"x")
    (tmp_path / "large-v3-turbo.pt").write_bytes(b"x")
    assert find_whisper_checkpoint(tmp_path, "tiny.en") == tmp_path / "tiny.en.pt"
    assert find_whisper_checkpoint(tmp_path, "base") == tmp_path / "whisper" / "whisper-base.pt"
    assert find_whisper_checkpoint(tmp_path, "turbo") == tmp_path / "large-v3-turbo.pt"
    assert find_whisper_checkpoint(tmp_path, "small") is None
    assert available_whisper_models(tmp_path) == {"tiny.en", "base", "turbo"}


def test_a_path_to_a_checkpoint_is_taken_as_it_is(tmp_path: Path) -> None:
    elsewhere = tmp_path / "mine" / "custom.pt"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"x")
    assert find_whisper_checkpoint(tmp_path, str(elsewhere)) == elsewhere
    assert find_whisper_checkpoint(tmp_path, str(tmp_path / "gone.pt")) is None


def test_a_missing_model_says_which_file_goes_where(tmp_path: Path) -> None:
    sentence = missing_whisper_sentence(tmp_path, "small.en")
    assert "small.en.pt" in sentence and str(tmp_path) in sentence


def test_a_checkpoint_is_chosen_by_its_whisper_name_when_it_has_one() -> None:
    assert whisper_setting_for(Path("/m/whisper/base.en.pt")) == "base.en"
    assert whisper_setting_for(Path("/m/whisper/large-v3-turbo.pt")) == "turbo"
    assert whisper_setting_for(Path("/m/whisper-small.pt")) == "small"
    assert whisper_setting_for(Path("/m/whisper/tiny.en-2.pt")) == "/m/whisper/tiny.en-2.pt"
