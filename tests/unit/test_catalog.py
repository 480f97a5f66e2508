"""The shipped model catalog and the strict checks that keep a damaged one out."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from assistant.models.catalog import (
    Catalog,
    CatalogError,
    FileRole,
    ModelKind,
    default_catalog_path,
    file_destination,
    load_catalog,
    parse_catalog,
)
from assistant.models.speech_models import find_whisper_checkpoint
from assistant.models.vision import inspect_vision_model
from assistant.resources import resources_dir
from tests.support.synthetic_vision import VisionPair

SHARED_TINY_EN = Path(__file__).resolve().parents[3] / "shared" / "models" / "whisper-tiny.en.pt"
# openai-whisper's whisper._MODELS["tiny.en"]: the sha256 is the folder name in the address.
OPENAI_TINY_EN_SHA256 = "d3dd57d32accea0b295c96e26691aa14d8822fac7d9d27d5dc00b4ca2826dd03"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog()


def test_the_shipped_catalog_loads_from_resources(shipped: Catalog) -> None:
    assert default_catalog_path() == resources_dir() / "catalog" / "models.json"
    assert default_catalog_path().is_file()
    ids = {e.id for e in shipped.entries}
    assert {"smolvlm-256m-instruct", "smolvlm-500m-instruct", "smolvlm-2.2b-instruct",
            "gemma-3-4b-it", "qwen2.5-vl-3b-instruct", "qwen2.5-vl-7b-instruct"} == {
        e.id for e in shipped.of_kind(ModelKind.VISION)}
    assert {"qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct", "qwen2.5-3b-instruct",
            "qwen2.5-7b-instruct", "llama-3.2-1b-instruct", "llama-3.2-3b-instruct"} == {
        e.id for e in shipped.of_kind(ModelKind.CHAT)}
    assert {e.speech_name for e in shipped.of_kind(ModelKind.SPEECH)} == {
        "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en", "turbo"}
    assert len(ids) == len(shipped.entries)
    assert shipped.by_id("gemma-3-4b-it") is not None
    assert shipped.by_id("no-such-model") is None


def test_vision_projectors_come_from_the_models_own_repo(shipped: Catalog) -> None:
    for entry in shipped.of_kind(ModelKind.VISION):
        projector = entry.projector_file
        assert projector is not None, entry.id
        assert "mmproj" in projector.filename
        assert projector.repo == entry.model_file.repo, entry.id
        assert entry.download_bytes == entry.model_file.size_bytes + projector.size_bytes


def test_chat_models_are_q4_k_m_from_the_hub(shipped: Catalog) -> None:
    for entry in shipped.of_kind(ModelKind.CHAT):
        assert entry.quantization == "Q4_K_M", entry.id
        assert entry.model_file.repo and entry.model_file.filename.lower().endswith(
            "q4_k_m.gguf"), entry.id
        assert entry.kv_bytes_per_token > 0 and entry.context_length >= 8192


def test_kv_cache_sizes_follow_the_model_configs(shipped: Catalog) -> None:
    # 2 (K and V) × layers × KV heads × head size × 2 bytes (f16), from each config.json.
    expected = {"qwen2.5-0.5b-instruct": 2 * 24 * 2 * 64 * 2,
                "qwen2.5-7b-instruct": 2 * 28 * 4 * 128 * 2,
                "llama-3.2-3b-instruct": 2 * 28 * 8 * 128 * 2,
                "gemma-3-4b-it": 2 * 34 * 4 * 256 * 2,
                "smolvlm-256m-instruct": 2 * 30 * 3 * 64 * 2}
    for entry_id, kv in expected.items():
        entry = shipped.by_id(entry_id)
        assert entry is not None and entry.kv_bytes_per_token == kv, entry_id


def test_whisper_entries_pin_the_checksum_in_their_address(shipped: Catalog) -> None:
    for entry in shipped.of_kind(ModelKind.SPEECH):
        file = entry.model_file
        assert file.url is not None and file.repo is None
        parts = urlsplit(file.url)
        assert parts.scheme == "https" and parts.netloc == "openaipublic.azureedge.net"
        folder, name = parts.path.split("/")[-2:]
        assert file.sha256 == folder, entry.id
        assert file.filename == name, entry.id
        assert entry.languages == (("en",) if entry.id.endswith(".en") else ())
    turbo = shipped.by_id("whisper-turbo")
    assert turbo is not None and turbo.model_file.filename == "large-v3-turbo.pt"


def test_a_downloaded_whisper_checkpoint_is_where_speech_looks(shipped: Catalog,
                                                                tmp_path: Path) -> None:
    for entry in shipped.of_kind(ModelKind.SPEECH):
        destination = file_destination(tmp_path, entry, entry.model_file)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(b"PK\x03\x04")
        assert entry.speech_name is not None
        assert find_whisper_checkpoint(tmp_path, entry.speech_name) == destination, entry.id


def test_a_downloaded_vision_pair_is_paired_by_mosaic(shipped: Catalog, tmp_path: Path,
                                                      tiny_vision_pair: VisionPair) -> None:
    for entry in shipped.of_kind(ModelKind.VISION):
        projector = entry.projector_file
        assert projector is not None
        model_path = file_destination(tmp_path, entry, entry.model_file)
        projector_path = file_destination(tmp_path, entry, projector)
        model_path.parent.mkdir(parents=True)
        shutil.copyfile(tiny_vision_pair.model, model_path)
        shutil.copyfile(tiny_vision_pair.mmproj, projector_path)
        setup = inspect_vision_model(str(model_path))
        assert setup.projector is not None, entry.id
        assert Path(setup.projector.path) == projector_path


def test_tiny_en_matches_a_real_checkpoint(shipped: Catalog) -> None:
    if not SHARED_TINY_EN.is_file():
        pytest.skip(f"{SHARED_TINY_EN} is absent")
    entry = shipped.by_id("whisper-tiny.en")
    assert entry is not None and entry.model_file.sha256 == OPENAI_TINY_EN_SHA256
    real_size = SHARED_TINY_EN.stat().st_size
    # Same tensors as OpenAI's file; the zip framing may differ by a few kilobytes.
    assert abs(entry.model_file.size_bytes - real_size) < 64 * 1024
    digest = hashlib.sha256(SHARED_TINY_EN.read_bytes()).hexdigest()
    if digest != OPENAI_TINY_EN_SHA256:
        pytest.skip("the shared tiny.en checkpoint is a re-saved conversion, not OpenAI's "
                    "download, so its hash cannot equal the pinned one")
    assert entry.model_file.size_bytes == real_size


# --- strict validation --------------------------------------------------------------------


def _valid() -> dict[str, Any]:
    gguf = {"role": "model", "filename": "tiny-Q4_K_M.gguf", "size_bytes": 1000,
            "repo": "someone/tiny-GGUF"}
    return {"schema": 1, "models": [
        {"id": "tiny-chat", "name": "Tiny", "kind": "chat", "family": "llama",
         "parameters": 1000, "quantization": "Q4_K_M", "license": "MIT", "files": [gguf],
         "min_ram_bytes": 10**9, "context_length": 4096, "kv_bytes_per_token": 128},
        {"id": "tiny-vision", "name": "Tiny eyes", "kind": "vision", "family": "llama",
         "parameters": 1000, "quantization": "Q4_K_M", "license": "MIT",
         "files": [dict(gguf), {"role": "mmproj", "filename": "mmproj-tiny-f16.gguf",
                                "size_bytes": 500, "repo": "someone/tiny-GGUF"}],
         "min_ram_bytes": 10**9, "context_length": 4096, "kv_bytes_per_token": 128},
        {"id": "whisper-tiny", "name": "Whisper tiny", "kind": "speech", "family": "whisper",
         "parameters": 39_000_000, "quantization": "F16", "license": "MIT",
         "files": [{"role": "model", "filename": "tiny.pt", "size_bytes": 75_572_083,
                    "url": "https://example.org/tiny.pt", "sha256": "a" * 64,
                    "size_exact": True}],
         "min_ram_bytes": 10**9, "context_length": 448, "kv_bytes_per_token": 0,
         "languages": []}]}


def test_the_minimal_valid_catalog_parses() -> None:
    catalog = parse_catalog(_valid())
    vision = catalog.by_id("tiny-vision")
    assert vision is not None and vision.projector_file is not None
    assert vision.projector_file.role is FileRole.MMPROJ
    assert vision.model_file.revision == "main" and not vision.model_file.size_exact
    speech = catalog.of_kind(ModelKind.SPEECH)[0]
    assert speech.model_file.sha256 == "a" * 64 and speech.model_file.size_exact
    assert speech.speech_name == "tiny"


def _set(path: str, value: object) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is _DELETE:
            del node[last]
        elif isinstance(node, list) and int(last) == len(node):
            node.append(value)
        else:
            node[int(last) if last.isdigit() else last] = value
    return change


_DELETE = object()


def _duplicate(data: dict[str, Any]) -> None:
    data["models"][1]["id"] = "tiny-chat"


CASES = [
    ("duplicate id", _duplicate, "tiny-chat", "id", "twice"),
    ("vision without mmproj", _set("models.1.files", [{"role": "model", "filename": "t.gguf",
                                                       "size_bytes": 1, "repo": "a/b"}]),
     "tiny-vision", "files", "mmproj"),
    ("mmproj on a chat model", _set("models.0.files.1", {"role": "mmproj", "size_bytes": 1,
                                                         "filename": "mmproj-x.gguf",
                                                         "repo": "a/b"}),
     "tiny-chat", "files", "only vision"),
    ("two model files", _set("models.0.files.1", {"role": "model", "filename": "b.gguf",
                                                  "size_bytes": 1, "repo": "a/b"}),
     "tiny-chat", "files", "exactly one"),
    ("both repo and url", _set("models.0.files.0.url", "https://example.org/x.gguf"),
     "tiny-chat", "url", "both"),
    ("neither repo nor url", _set("models.0.files.0.repo", _DELETE), "tiny-chat", "repo",
     "neither"),
    ("bad sha", _set("models.2.files.0.sha256", "A" * 64), "whisper-tiny", "sha256", "64"),
    ("short sha", _set("models.2.files.0.sha256", "abc"), "whisper-tiny", "sha256", "hex"),
    ("unknown kind", _set("models.0.kind", "audio"), "tiny-chat", "kind", "audio"),
    ("unknown role", _set("models.0.files.0.role", "weights"), "tiny-chat", "role", "weights"),
    ("missing field", _set("models.0.license", _DELETE), "tiny-chat", "license", "no"),
    ("unknown field", _set("models.0.licence", "MIT"), "tiny-chat", "licence", "unknown"),
    ("path in filename", _set("models.0.files.0.filename", "../../evil.gguf"), "tiny-chat",
     "filename", "plain"),
    ("folder in filename", _set("models.0.files.0.filename", "sub/x.gguf"), "tiny-chat",
     "filename", "plain"),
    ("http address", _set("models.2.files.0.url", "http://example.org/tiny.pt"),
     "whisper-tiny", "url", "https"),
    ("speech file not .pt", _set("models.2.files.0.filename", "tiny.bin"), "whisper-tiny",
     "filename", ".pt"),
    ("chat file not .gguf", _set("models.0.files.0.filename", "tiny.safetensors"), "tiny-chat",
     "filename", ".gguf"),
    ("projector without mmproj in its name", _set("models.1.files.1.filename", "eyes.gguf"),
     "tiny-vision", "filename", "mmproj"),
    ("zero size", _set("models.0.files.0.size_bytes", 0), "tiny-chat", "size_bytes", "above 0"),
    ("size as text", _set("models.0.files.0.size_bytes", "1 GB"), "tiny-chat", "size_bytes",
     "whole number"),
    ("boolean as number", _set("models.0.parameters", True), "tiny-chat", "parameters",
     "whole number"),
    ("id not slug-like", _set("models.0.id", "Tiny Chat"), "Tiny Chat", "id", "lowercase"),
    ("speech id not a whisper name", _set("models.2.id", "whisper-huge"), "whisper-huge", "id",
     "Whisper"),
    ("repo not owner/name", _set("models.0.files.0.repo", "just-a-name"), "tiny-chat", "repo",
     "owner/name"),
    ("chat model without kv size", _set("models.0.kv_bytes_per_token", 0), "tiny-chat",
     "kv_bytes_per_token", "above 0"),
]


@pytest.mark.parametrize(("change", "entry_id", "field", "words"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_schema_error_is_one_sentence_naming_entry_and_field(
        change: Any, entry_id: str, field: str, words: str) -> None:
    data = copy.deepcopy(_valid())
    change(data)
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    message = str(caught.value)
    assert f'"{entry_id}"' in message
    assert caught.value.field == field
    assert words in message
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("data", [[], {"schema": 2, "models": []}, {"schema": "1"},
                                  {"schema": 1}, {"schema": 1, "models": [42]}])
def test_a_catalog_of_the_wrong_shape_is_refused_with_a_sentence(data: object) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    assert str(caught.value).endswith(".")


def test_load_catalog_says_what_is_wrong_with_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "models.json"
    with pytest.raises(CatalogError, match="missing; reinstall Mosaic"):
        load_catalog(missing)
    missing.write_text('{"schema": 1,\n "models": [}', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"not valid JSON \(line 2"):
        load_catalog(missing)
    missing.write_text(json.dumps(_valid()), encoding="utf-8")
    assert len(load_catalog(missing).entries) == 3
