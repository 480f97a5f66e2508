"""Reading a Whisper checkpoint's dims without torch and without running its pickle.

``tests/support/fake_checkpoint.py`` writes real torch checkpoints with the standard
library only (the pickle assembled opcode by opcode, as torch.save writes it).
"""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import pytest

from assistant.models.checkpoint_meta import (
    expected_state_shapes,
    read_whisper_checkpoint,
    whisper_model_name,
)
from assistant.models.gguf_inspect import ModelFileError
from tests.support.fake_checkpoint import (
    OPENAI_DIMS,
    REAL_TINY_EN,
    SMALL_DIMS,
    openai_dims,
    write_fake_checkpoint,
    write_malicious_checkpoint,
)


@pytest.fixture
def real_tiny_en() -> Path:
    if not REAL_TINY_EN.is_file():
        pytest.skip(f"the real Whisper checkpoint is not at {REAL_TINY_EN}")
    return REAL_TINY_EN


def test_the_real_tiny_en_checkpoint_is_recognised(real_tiny_en: Path) -> None:
    info = read_whisper_checkpoint(real_tiny_en)
    assert info.model_name == "tiny.en"
    assert not info.multilingual
    assert info.dims == openai_dims("tiny.en")
    assert info.parameter_count == 37_760_256  # every tensor of its 167, as torch counts
    assert info.file_size == real_tiny_en.stat().st_size
    assert info.precision == "F16"
    assert info.summary() == "Whisper tiny.en · 38M parameters · English only"


def test_the_real_checkpoint_cut_short_is_incomplete(real_tiny_en: Path,
                                                     tmp_path: Path) -> None:
    cut = tmp_path / "tiny.en.pt"
    with real_tiny_en.open("rb") as source:
        cut.write_bytes(source.read(real_tiny_en.stat().st_size // 2))
    with pytest.raises(ModelFileError, match=r"tiny\.en\.pt is incomplete or damaged"):
        read_whisper_checkpoint(cut)


# --- model names from dims ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OPENAI_DIMS))
def test_each_openai_model_is_named_from_its_dims(name: str) -> None:
    assert whisper_model_name(openai_dims(name)) == name


def test_unknown_shapes_have_no_name() -> None:
    assert whisper_model_name(SMALL_DIMS) is None
    assert whisper_model_name({**openai_dims("large-v2"), "n_vocab": 51864}) is None


def test_a_base_en_sized_checkpoint_is_described(tmp_path: Path) -> None:
    path = write_fake_checkpoint(tmp_path / "mine.pt", openai_dims("base.en"))
    info = read_whisper_checkpoint(path)
    assert info.model_name == "base.en"
    assert info.summary() == "Whisper base.en · 73M parameters · English only"


def test_a_multilingual_checkpoint_says_so(tmp_path: Path) -> None:
    path = write_fake_checkpoint(tmp_path / "m.pt", {**SMALL_DIMS, "n_vocab": 51865})
    info = read_whisper_checkpoint(path)
    assert info.multilingual and info.model_name is None
    assert info.summary().startswith("m · ")


def test_the_legacy_torch_format_is_read_too(tmp_path: Path) -> None:
    path = write_fake_checkpoint(tmp_path / "old.pt", legacy=True)
    assert read_whisper_checkpoint(path).dims == SMALL_DIMS


# --- refusing what is not a valid checkpoint ----------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_a_pickle_that_would_run_code_is_refused_and_never_runs(tmp_path: Path,
                                                                 legacy: bool) -> None:
    marker = tmp_path / "pwned.txt"
    evil = write_malicious_checkpoint(tmp_path / "tiny.en.pt", marker, legacy=legacy)
    with pytest.raises(ModelFileError, match=r"tiny\.en\.pt holds more than model weights"):
        read_whisper_checkpoint(evil)
    assert not marker.exists()
    # the control: an unrestricted unpickle of the same bytes does run the payload
    if legacy:
        with evil.open("rb") as file:
            for _ in range(4):
                pickle.load(file)
    else:
        with zipfile.ZipFile(evil) as archive:
            pickle.loads(archive.read("archive/data.pkl"))
    assert marker.exists()


def test_a_missing_weight_is_damage(tmp_path: Path) -> None:
    shapes = expected_state_shapes(SMALL_DIMS)
    del shapes["decoder.ln.bias"]
    path = write_fake_checkpoint(tmp_path / "small.pt", shapes=shapes)
    with pytest.raises(ModelFileError, match=r"small\.pt is damaged or incomplete"):
        read_whisper_checkpoint(path)


def test_a_weight_of_the_wrong_shape_is_damage(tmp_path: Path) -> None:
    shapes = {**expected_state_shapes(SMALL_DIMS), "encoder.conv1.weight": (8, 128, 3)}
    path = write_fake_checkpoint(tmp_path / "small.pt", shapes=shapes)
    with pytest.raises(ModelFileError, match="weights do not match"):
        read_whisper_checkpoint(path)


def test_stored_data_shorter_than_the_tensors_is_damage(tmp_path: Path) -> None:
    path = write_fake_checkpoint(tmp_path / "small.pt", storage_bytes=100)
    with pytest.raises(ModelFileError, match="damaged or incomplete"):
        read_whisper_checkpoint(path)


@pytest.mark.parametrize("dims", [
    {**SMALL_DIMS, "n_mels": 64},
    {**SMALL_DIMS, "n_vocab": 1000},
    {**SMALL_DIMS, "n_text_head": 3},
    {**SMALL_DIMS, "n_audio_layer": 0},
], ids=["mels", "vocab", "heads", "layers"])
def test_dims_the_engine_refuses_are_refused(tmp_path: Path, dims: dict[str, int]) -> None:
    path = write_fake_checkpoint(tmp_path / "odd.pt", dims,
                                 shapes=expected_state_shapes(SMALL_DIMS))
    with pytest.raises(ModelFileError, match=r"odd\.pt is not a Whisper checkpoint"):
        read_whisper_checkpoint(path)


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "is empty"),
    (b"hello, I am a text file\n", "is not a Whisper checkpoint"),
    (pickle.dumps({"dims": {"n_mels": 80}}, protocol=2), "is not a Whisper checkpoint"),
], ids=["empty", "text", "plain-pickle"])
def test_files_that_are_not_checkpoints(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "x.pt"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=expected):
        read_whisper_checkpoint(path)


def test_a_zip_without_a_pickle_and_a_folder(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "notes.pt", "w") as archive:
        archive.writestr("notes/readme.txt", "hi")
    with pytest.raises(ModelFileError, match="is not a Whisper checkpoint"):
        read_whisper_checkpoint(tmp_path / "notes.pt")
    with pytest.raises(ModelFileError, match="is a folder"):
        read_whisper_checkpoint(tmp_path)
    with pytest.raises(ModelFileError, match="does not exist"):
        read_whisper_checkpoint(tmp_path / "gone.pt")


# --- agreement with the engine ------------------------------------------------------------


def test_the_engine_agrees_with_the_reader(tmp_path: Path) -> None:
    """What the reader accepts the engine loads; what it calls damaged the engine refuses."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("whisper")
    from assistant.engine.backend import BackendError
    from assistant.engine.whisper_checkpoint import load_whisper_checkpoint

    cpu = torch.device("cpu")
    for legacy in (False, True):
        good = write_fake_checkpoint(tmp_path / f"good-{legacy}.pt", legacy=legacy)
        read_whisper_checkpoint(good)
        assert load_whisper_checkpoint(good, cpu).dims.n_vocab == SMALL_DIMS["n_vocab"]
    shapes = expected_state_shapes(SMALL_DIMS)
    shapes["encoder.blocks.0.attn.key.bias"] = (8,)  # a tensor whisper does not have
    bad = write_fake_checkpoint(tmp_path / "bad.pt", shapes=shapes)
    with pytest.raises(ModelFileError):
        read_whisper_checkpoint(bad)
    with pytest.raises(BackendError):
        load_whisper_checkpoint(bad, cpu)

