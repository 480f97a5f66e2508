"""GGUF header inspection: metadata, every refusal sentence, memory estimates. No llama.cpp."""

from __future__ import annotations

import re
import struct
import time
from dataclasses import replace
from pathlib import Path

import gguf
import pytest

from assistant.models.gguf_inspect import (
    GGUFInfo,
    ModelFileError,
    check_fits_memory,
    estimate_memory_bytes,
    inspect_gguf,
    unsupported_architecture_message,
)
from tests.support.synthetic_gguf import (
    CHATML_TEMPLATE,
    write_not_gguf,
    write_tiny_llama,
    write_truncated_copy,
)

STRING, UINT32, ARRAY = 8, 4, 9


def _str(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def _kv(key: str, vtype: int, payload: bytes) -> bytes:
    return _str(key) + struct.pack("<I", vtype) + payload


def _kv_str(key: str, value: str) -> bytes:
    return _kv(key, STRING, _str(value))


def _kv_u32(key: str, value: int) -> bytes:
    return _kv(key, UINT32, struct.pack("<I", value))


def _tensor(name: str, dims: tuple[int, ...], ggml_type: int, offset: int) -> bytes:
    return (_str(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
            + struct.pack("<IQ", ggml_type, offset))


def _gguf(kvs: list[bytes], tensors: list[bytes] = (), *, version: int = 3,
          data: bytes = b"") -> bytes:
    """A hand-made GGUF file, for headers the gguf writer refuses to produce."""
    header = (b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs))
              + b"".join(kvs) + b"".join(tensors))
    return header + b"\0" * (-len(header) % 32) + data


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _message(path: Path) -> str:
    with pytest.raises(ModelFileError) as caught:
        inspect_gguf(path)
    assert not caught.value.too_large
    return str(caught.value)


# --- what a good file says -------------------------------------------------------------

def test_synthetic_model_metadata(tiny_gguf: Path) -> None:
    info = inspect_gguf(tiny_gguf)
    assert info.path == str(tiny_gguf)
    assert info.file_size == tiny_gguf.stat().st_size
    assert (info.name, info.architecture, info.quantization) == ("tiny-llama-test", "llama", "F16")
    assert (info.context_length, info.embedding_length, info.block_count) == (2048, 64, 2)
    assert (info.head_count, info.head_count_kv) == (4, 2)
    assert info.chat_template == CHATML_TEMPLATE
    assert (info.bos_token, info.eos_token, info.add_bos_token) == ("<s>", "</s>", True)
    assert info.is_projector is False


def test_metadata_agrees_with_gguf_reader(tiny_gguf: Path) -> None:
    info = inspect_gguf(tiny_gguf)
    reader = gguf.GGUFReader(tiny_gguf)
    assert info.parameter_count == sum(t.n_elements for t in reader.tensors)
    tokens = reader.fields["tokenizer.ggml.tokens"]
    eos_id = reader.fields["tokenizer.ggml.eos_token_id"].contents()
    assert info.eos_token == tokens.contents(eos_id)
    assert info.chat_template == reader.fields["tokenizer.chat_template"].contents()


def test_model_without_template(tiny_gguf_no_template: Path) -> None:
    info = inspect_gguf(tiny_gguf_no_template)
    assert info.chat_template is None
    assert info.architecture == "llama"


def test_unknown_architecture_passes_inspection(tmp_path: Path) -> None:
    info = inspect_gguf(write_tiny_llama(tmp_path / "odd.gguf", architecture="notarealarch"))
    assert info.architecture == "notarealarch"
    assert info.context_length == 2048  # keys are read under the file's own architecture
    assert unsupported_architecture_message(info) == (
        "tiny-llama-test uses the 'notarealarch' architecture, which this version of "
        "llama.cpp cannot run; update Mosaic or choose another model.")


def test_name_falls_back_to_file_stem_and_quantization_to_tensor_types(tmp_path: Path) -> None:
    path = _write(tmp_path / "My Model.gguf", _gguf(
        [_kv_str("general.architecture", "llama")],
        [_tensor("a", (64, 4), gguf.GGMLQuantizationType.Q8_0, 0),
         _tensor("b", (8,), gguf.GGMLQuantizationType.F32, 288)],
        data=b"\0" * 320))
    info = inspect_gguf(path)
    assert (info.name, info.quantization, info.parameter_count) == ("My Model", "Q8_0", 264)
    assert info.context_length is None and info.chat_template is None and info.bos_token is None


def test_file_type_names_the_quantization(tmp_path: Path) -> None:
    path = _write(tmp_path / "q.gguf", _gguf([
        _kv_str("general.architecture", "gemma3"), _kv_str("general.name", "gemma-3-270m"),
        _kv_u32("general.file_type", 15), _kv_u32("gemma3.context_length", 32768)]))
    info = inspect_gguf(path)
    assert info.quantization == "Q4_K_M"
    assert info.summary() == (
        f"gemma-3-270m · gemma3 · Q4_K_M · {info.file_size} bytes · 32k context")


def test_projector_is_recognised(tmp_path: Path) -> None:
    path = _write(tmp_path / "mmproj-x.gguf", _gguf([
        _kv_str("general.architecture", "clip"), _kv_str("general.type", "mmproj"),
        _kv_u32("general.file_type", 1)]))
    info = inspect_gguf(path)
    assert info.is_projector
    assert info.summary() == f"mmproj-x · clip · F16 · {info.file_size} bytes · vision projector"


def test_summary_reads_like_the_design() -> None:
    info = GGUFInfo(path="/m/g.gguf", file_size=253_431_648, name="gemma-3-270m",
                    architecture="gemma3", quantization="Q4_K_M", context_length=32768,
                    embedding_length=640, block_count=18, head_count=4, head_count_kv=1,
                    parameter_count=268_098_176, chat_template=None, bos_token="<bos>",
                    eos_token="<eos>", is_projector=False)
    assert info.summary() == "gemma-3-270m · gemma3 · Q4_K_M · 253 MB · 32k context"
    assert replace(info, context_length=131072, file_size=9_100_000_000).summary() == (
        "gemma-3-270m · gemma3 · Q4_K_M · 9.1 GB · 128k context")


def test_control_characters_in_the_name_are_dropped(tmp_path: Path) -> None:
    path = _write(tmp_path / "n.gguf", _gguf([
        _kv_str("general.architecture", "llama"), _kv_str("general.name", "bad\x1b[31mname\n")]))
    assert inspect_gguf(path).name == "bad[31mname"


def test_large_vocabulary_is_inspected_quickly(tmp_path: Path) -> None:
    count = 262_144
    tokens = b"".join(_str(f"tok{i}") for i in range(count))
    kvs = [_kv_str("general.architecture", "llama"),
           _kv("tokenizer.ggml.tokens", ARRAY, struct.pack("<IQ", STRING, count) + tokens),
           _kv("tokenizer.ggml.scores", ARRAY, struct.pack("<IQ", 6, count) + b"\0" * 4 * count),
           _kv_u32("tokenizer.ggml.eos_token_id", count - 1)]
    path = _write(tmp_path / "big-vocab.gguf", _gguf(kvs))
    started = time.perf_counter()
    info = inspect_gguf(path)
    elapsed = time.perf_counter() - started
    assert info.eos_token == f"tok{count - 1}"
    assert elapsed < 2.0, f"inspection took {elapsed:.2f} s"


def test_long_string_arrays_and_nested_arrays_are_stepped_over(tmp_path: Path) -> None:
    merges = b"".join(_str(f"a{i} b{i}") for i in range(5000))
    inner = struct.pack("<IQ", UINT32, 2) + struct.pack("<II", 1, 2)
    kvs = [_kv_str("general.architecture", "llama"),
           _kv("tokenizer.ggml.merges", ARRAY, struct.pack("<IQ", STRING, 5000) + merges),
           _kv("odd.nested", ARRAY, struct.pack("<IQ", ARRAY, 2) + inner + inner),
           _kv("llama.attention.head_count_kv", ARRAY,
               struct.pack("<IQ", UINT32, 3) + struct.pack("<III", 0, 8, 4)),
           _kv_u32("llama.context_length", 4096)]
    info = inspect_gguf(_write(tmp_path / "bpe.gguf", _gguf(kvs)))
    assert info.context_length == 4096
    assert info.head_count_kv == 8  # per-layer counts: the largest sizes the KV cache


# --- every refusal is one sentence ------------------------------------------------------

def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.gguf"
    assert _message(path) == (f"The model file {path} does not exist; it may have been moved "
                              "or deleted, so choose it again.")


def test_directory(tmp_path: Path) -> None:
    assert _message(tmp_path) == f"{tmp_path} is a folder, not a model file; pick a .gguf file."


def test_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.gguf", b"")
    assert _message(path) == ("empty.gguf is empty (0 bytes); the download or copy failed, so "
                              "download it again.")


def test_not_gguf(tmp_path: Path) -> None:
    path = write_not_gguf(tmp_path / "page.gguf")
    assert _message(path) == ('page.gguf is not a GGUF model file (it starts with "<!DOCTYP"); '
                              "pick a .gguf file.")
    binary = write_not_gguf(tmp_path / "zip.gguf", b"PK\x03\x04\x14\x00\x00\x00rest")
    assert '(it starts with "PK\\x03\\x04\\x14\\x00\\x00\\x00")' in _message(binary)
    tiny = write_not_gguf(tmp_path / "tiny.gguf", b"GG")
    assert _message(tiny).startswith('tiny.gguf is not a GGUF model file (it starts with "GG")')


def test_old_ggml_file(tmp_path: Path) -> None:
    path = write_not_gguf(tmp_path / "old.bin", b"tjgg\x01\x00\x00\x00" + b"\0" * 64)
    assert _message(path) == ("old.bin is an old GGML model file, which current llama.cpp "
                              "cannot load; download the GGUF version of this model.")


@pytest.mark.parametrize("version", [1, 4, 99])
def test_unsupported_version(tmp_path: Path, version: int) -> None:
    path = _write(tmp_path / "v.gguf",
                  _gguf([_kv_str("general.architecture", "llama")], version=version))
    assert _message(path) == (f"v.gguf uses GGUF version {version}, which Mosaic cannot read "
                              "(it reads versions 2 and 3); download a current .gguf file of "
                              "this model.")


def test_big_endian_file(tmp_path: Path) -> None:
    content = bytearray(_gguf([_kv_str("general.architecture", "llama")]))
    content[4:8] = struct.pack(">I", 3)
    path = _write(tmp_path / "be.gguf", bytes(content))
    assert "is a big-endian GGUF file" in _message(path)


def test_header_cut_short(tiny_gguf: Path, tmp_path: Path) -> None:
    path = write_truncated_copy(tiny_gguf, tmp_path / "cut.gguf", 0.002)
    size = path.stat().st_size
    assert _message(path) == (f"cut.gguf is incomplete (it ends after {size:,} bytes, partway "
                              "through its header): the download or copy was cut short; "
                              "download it again.")


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_tensor_data_cut_short(tiny_gguf: Path, tmp_path: Path, keep: float) -> None:
    path = write_truncated_copy(tiny_gguf, tmp_path / "cut.gguf", keep)
    message = _message(path)
    match = re.fullmatch(r"cut\.gguf is incomplete \(([\d,]+) of ([\d,]+) bytes\): the download "
                         r"or copy was cut short; download it again\.", message)
    assert match, message
    have, need = (int(group.replace(",", "")) for group in match.groups())
    assert have == path.stat().st_size
    assert have < need <= tiny_gguf.stat().st_size


def test_string_longer_than_the_file(tmp_path: Path) -> None:
    content = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1 << 40) + b"general"
    path = _write(tmp_path / "liar.gguf", content)
    assert "is incomplete (it ends after 39 bytes, partway through its header)" in _message(path)


def test_header_claiming_hundreds_of_megabytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.gguf"
    with path.open("wb") as sparse:
        sparse.write(b"GGUF" + struct.pack("<IQQQ", 3, 0, 1, 300_000_000))
        sparse.truncate(400_000_000)  # sparse: no disk space used, nothing read
    assert _message(path) == ("huge.gguf is damaged (its header claims to be over 256 MB), "
                              "so it cannot be loaded; download it again.")


def test_missing_architecture(tmp_path: Path) -> None:
    path = _write(tmp_path / "noarch.gguf", _gguf([_kv_str("general.name", "x")]))
    assert _message(path) == (
        "noarch.gguf does not say which model architecture it is (general.architecture is "
        "missing), so it cannot be loaded; choose a model file from a trusted source.")


@pytest.mark.parametrize(("kvs", "tensors", "detail"), [
    ([_kv("general.architecture", 77, b"")], [], "unknown metadata value type 77"),
    ([_kv_str("general.architecture", "llama")] * 2, [],
     "metadata key 'general.architecture' appears twice"),
    ([_kv_str("general.architecture", "llama")], [_tensor("w", (1, 1, 1, 1, 1), 0, 0)],
     "tensor 'w' has 5 dimensions"),
    ([_kv_str("general.architecture", "llama")], [_tensor("w", (33, 1), 8, 0)],
     "tensor 'w' does not fit its Q8_0 blocks"),
    ([_kv_str("general.architecture", "llama")], [_tensor("w", (4,), 0, 3)],
     "tensor 'w' is not aligned"),
    ([_kv_str("general.architecture", "llama"), _kv_u32("general.alignment", 24)], [],
     "alignment 24 is not a power of two"),
])
def test_damaged_header(tmp_path: Path, kvs: list[bytes], tensors: list[bytes],
                        detail: str) -> None:
    path = _write(tmp_path / "bad.gguf", _gguf(kvs, tensors, data=b"\0" * 4096))
    assert _message(path) == (
        f"bad.gguf is damaged ({detail}), so it cannot be loaded; download it again.")


def test_unknown_tensor_type(tmp_path: Path) -> None:
    path = _write(tmp_path / "new.gguf", _gguf(
        [_kv_str("general.architecture", "llama")], [_tensor("w", (4,), 250, 0)], data=b"\0" * 64))
    assert _message(path) == ("new.gguf stores weights in a format (type 250) that this version "
                              "of Mosaic does not know; update Mosaic or choose another "
                              "quantization.")


# --- memory ------------------------------------------------------------------------------

def _info(**changes: object) -> GGUFInfo:
    base = GGUFInfo(path="/m/x.gguf", file_size=1_000_000_000, name="big-model",
                    architecture="llama", quantization="Q4_K_M", context_length=8192,
                    embedding_length=4096, block_count=32, head_count=32, head_count_kv=8,
                    parameter_count=8_000_000_000, chat_template=None, bos_token=None,
                    eos_token=None, is_projector=False)
    return replace(base, **changes)


def test_memory_estimate_counts_weights_kv_cache_and_overhead() -> None:
    kv = 2 * 32 * 4096 * (4096 * 8 // 32) * 2
    assert estimate_memory_bytes(_info(), 4096) == int((1_000_000_000 + kv) * 1.1)
    assert estimate_memory_bytes(_info(), 8192) > estimate_memory_bytes(_info(), 4096)
    with_head_dims = _info(head_count=4, head_count_kv=1, key_length=256, value_length=256)
    assert estimate_memory_bytes(with_head_dims, 1000) == int(
        (1_000_000_000 + 32 * 1000 * 512 * 2) * 1.1)


def test_memory_estimate_without_attention_fields_is_conservative() -> None:
    bare = _info(head_count=None, head_count_kv=None, block_count=None, embedding_length=None)
    assert estimate_memory_bytes(bare, 2048) == int((1_000_000_000 + 2 * 32 * 2048 * 4096 * 2)
                                                    * 1.1)
    assert estimate_memory_bytes(_info(is_projector=True), 2048) == 1_100_000_000


def test_check_fits_memory() -> None:
    info = _info()
    needed = estimate_memory_bytes(info, 4096)
    check_fits_memory(info, 4096, None)
    check_fits_memory(info, 4096, needed)
    with pytest.raises(ModelFileError) as caught:
        check_fits_memory(info, 4096, 900_000_000)
    assert caught.value.too_large
    assert str(caught.value) == (
        "big-model needs about 1.7 GB of memory but only 900 MB is free; close other "
        "programs, lower the context size, or choose a smaller quantization.")
