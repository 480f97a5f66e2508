"""The synthetic vision pair is real: llama.cpp's mtmd path loads it, sees images, answers.

Damaged mmproj files run in a subprocess each, because some of them end llama.cpp with
SIGABRT or SIGSEGV; the expected outcome of every one is ``CORRUPTION_OUTCOMES``.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from gguf import GGUFReader, GGUFValueType
from PIL import Image

from tests.support.synthetic_vision import (
    CORRUPTION_OUTCOMES,
    CORRUPTIONS,
    MISMATCH_OUTCOME,
    MOONDREAM2_KEYS,
    CorruptionOutcome,
    VisionPair,
    write_corrupt_mmproj,
    write_projector_header,
    write_tiny_vision_pair,
)

pytestmark = pytest.mark.engine

QUESTION = "What is in the image?"


@pytest.fixture(autouse=True)
def no_backtrace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A GGML abort must not spend seconds printing a backtrace through gdb."""
    monkeypatch.setenv("GGML_NO_BACKTRACE", "1")


@pytest.fixture(scope="module")
def vision_pair(tmp_path_factory: pytest.TempPathFactory) -> VisionPair:
    return write_tiny_vision_pair(tmp_path_factory.mktemp("vision"))


@pytest.fixture(scope="module")
def vision_llm(vision_pair: VisionPair) -> Iterator[Any]:
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import MTMDChatHandler

    handler = MTMDChatHandler(clip_model_path=str(vision_pair.mmproj), verbose=False)
    llm = Llama(model_path=str(vision_pair.model), n_ctx=512, n_threads=1, verbose=False,
                chat_handler=handler)
    yield llm
    llm.close()


def _data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _red_square() -> Image.Image:
    image = Image.new("RGB", (64, 64), "white")
    image.paste((255, 0, 0), (16, 16, 48, 48))
    return image


def _noise(seed: int = 1) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def _ask(llm: Any, image: Image.Image) -> str:
    completion = llm.create_chat_completion(
        messages=[{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": _data_url(image)}},
            {"type": "text", "text": QUESTION}]}],
        temperature=0, max_tokens=8)
    assert completion["usage"]["completion_tokens"] == 8
    return completion["choices"][0]["message"]["content"]


def test_different_images_give_different_answers(vision_llm: Any) -> None:
    red = _ask(vision_llm, _red_square())
    noise = _ask(vision_llm, _noise())
    assert len(red.split()) >= 3
    assert red != noise
    assert _ask(vision_llm, _red_square()) == red
    assert _ask(vision_llm, _noise()) == noise
    # A non-square photo of another size goes through the same preprocessing.
    assert _ask(vision_llm, _noise(2).resize((100, 60))) not in (red, noise)


def _image_embeddings(llm: Any, image: Image.Image) -> np.ndarray:
    """The projector output for ``image`` (one row per image token), through mtmd directly."""
    import llama_cpp.mtmd_cpp as mtmd

    ctx = llm.chat_handler.mtmd_ctx
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    bitmap = mtmd.mtmd_helper_bitmap_init_from_buf(
        ctx, (ctypes.c_uint8 * len(data)).from_buffer(data), len(data), False)
    chunks = mtmd.mtmd_input_chunks_init()
    text = mtmd.mtmd_input_text()
    marker = mtmd.mtmd_default_marker()
    text.text, text.text_len, text.add_special, text.parse_special = marker, len(marker), 0, 1
    try:
        bitmaps = (mtmd.mtmd_bitmap_p_ctypes * 1)(bitmap)
        assert mtmd.mtmd_tokenize(ctx, chunks, ctypes.byref(text), bitmaps, 1) == 0
        for index in range(mtmd.mtmd_input_chunks_size(chunks)):
            chunk = mtmd.mtmd_input_chunks_get(chunks, index)
            if mtmd.mtmd_input_chunk_get_type(chunk) == mtmd.MTMD_INPUT_CHUNK_TYPE_IMAGE:
                n_tokens = mtmd.mtmd_input_chunk_get_n_tokens(chunk)
                assert mtmd.mtmd_encode_chunk(ctx, chunk) == 0
                output = mtmd.mtmd_get_output_embd(ctx)
                flat = np.ctypeslib.as_array(output, shape=(n_tokens * llm.n_embd(),))
                return flat.reshape(n_tokens, llm.n_embd()).copy()
    finally:
        mtmd.mtmd_input_chunks_free(chunks)
        mtmd.mtmd_bitmap_free(bitmap)
    raise AssertionError("the image produced no image chunk")


def test_image_embeddings_are_finite_token_sized_and_image_dependent(vision_llm: Any) -> None:
    _ask(vision_llm, _red_square())  # loads the mmproj
    red = _image_embeddings(vision_llm, _red_square())
    noise = _image_embeddings(vision_llm, _noise())
    assert red.shape == (64, 64)  # (64 / 8)² patches, 64 wide like the text model
    for embeddings in (red, noise):
        assert np.isfinite(embeddings).all()
        assert 0.5 < embeddings.std() < 2.0  # like the text model's token embeddings
    assert np.abs(red - noise).mean() > 0.3


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_files_and_f32_variant_answers(
        tmp_path: Path, vision_pair: VisionPair) -> None:
    again = write_tiny_vision_pair(tmp_path / "again")
    other = write_tiny_vision_pair(tmp_path / "other", seed=1)
    assert _digest(again.mmproj) == _digest(vision_pair.mmproj)
    assert _digest(again.model) == _digest(vision_pair.model)
    assert _digest(other.mmproj) != _digest(vision_pair.mmproj)
    assert vision_pair.mmproj.name == "mmproj-tiny-vision-test-f16.gguf"
    assert 200_000 < vision_pair.mmproj.stat().st_size < 600_000

    f32 = write_tiny_vision_pair(tmp_path / "f32", f16=False)
    assert f32.mmproj.name == "mmproj-tiny-vision-test-f32.gguf"
    reader = GGUFReader(f32.mmproj)
    assert {t.tensor_type.name for t in reader.tensors} == {"F32"}
    assert _run_child(f32.model, f32.mmproj).result == "loads"


# --- damaged files, each in its own process ------------------------------------------------

_CHILD = """
import json, sys
from llama_cpp import Llama
from llama_cpp.llama_chat_format import MTMDChatHandler
model, mmproj, url = sys.argv[1:4]
handler = MTMDChatHandler(clip_model_path=mmproj, verbose=True)
llm = Llama(model_path=model, n_ctx=256, n_threads=1, verbose=True, chat_handler=handler)
try:
    completion = llm.create_chat_completion(messages=[{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": url}}, {"type": "text", "text": "What?"}]}],
        temperature=0, max_tokens=4)
    print(json.dumps({"answer": completion["choices"][0]["message"]["content"]}), flush=True)
except ValueError as exc:
    print(json.dumps({"error": str(exc)}), flush=True)
finally:
    llm.close()
"""


@dataclass(frozen=True)
class ChildResult:
    result: str
    stdout: str
    stderr: str


def _run_child(model: Path, mmproj: Path) -> ChildResult:
    """Load ``mmproj`` with ``model`` through MTMDChatHandler and ask about a red square."""
    env = {**os.environ, "GGML_NO_BACKTRACE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(model), str(mmproj), _data_url(_red_square())],
        capture_output=True, text=True, env=env, timeout=60, check=False)
    if done.returncode < 0:
        result = signal.Signals(-done.returncode).name
    elif done.returncode != 0:
        result = f"exit {done.returncode}"
    else:
        reply = json.loads(done.stdout.strip().splitlines()[-1])
        result = "loads" if "answer" in reply else "error"
        if result == "error":
            assert reply["error"] == f"Failed to load mtmd context from: {mmproj}"
    return ChildResult(result, done.stdout, done.stderr)


def _assert_outcome(child: ChildResult, expected: CorruptionOutcome) -> None:
    assert child.result == expected.result, child.stderr[-2000:]
    assert expected.llama_cpp_says in child.stderr


def test_mismatched_projection_dim_is_refused_cleanly(tmp_path: Path) -> None:
    pair = write_tiny_vision_pair(tmp_path, projection_dim=96)
    assert GGUFReader(pair.mmproj).fields["clip.vision.projection_dim"].contents() == 96
    _assert_outcome(_run_child(pair.model, pair.mmproj), MISMATCH_OUTCOME)


def test_every_corruption_has_a_known_outcome() -> None:
    assert set(CORRUPTIONS) == set(CORRUPTION_OUTCOMES)


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_corrupt_mmproj(how: str, tmp_path: Path, vision_pair: VisionPair) -> None:
    import llama_cpp.mtmd_cpp as mtmd

    damaged = write_corrupt_mmproj(vision_pair.mmproj, tmp_path / f"{how}.gguf", how)
    # llama.cpp still parses the header; the gguf package's reader refuses cut-short data.
    assert mtmd.mtmd_get_cap_from_file(str(damaged).encode()).inp_vision
    if how.startswith("truncated"):
        with pytest.raises(ValueError, match="cannot reshape"):
            GGUFReader(damaged)
    else:
        GGUFReader(damaged)
    _assert_outcome(_run_child(vision_pair.model, damaged), CORRUPTION_OUTCOMES[how])


def test_corrupt_mmproj_refuses_an_unknown_way(tmp_path: Path, vision_pair: VisionPair) -> None:
    with pytest.raises(ValueError, match="unknown corruption 'gnawed'"):
        write_corrupt_mmproj(vision_pair.mmproj, tmp_path / "x.gguf", "gnawed")


# --- metadata-only headers -----------------------------------------------------------------

FAMILY_KEYS = {
    "mlp": {"clip.has_llava_projector": True},
    "idefics3": {"clip.vision.projector.scale_factor": 4},
    "gemma3": {"clip.use_gelu": True},
    "qwen2vl_merger": {"clip.vision.embedding_length": 1280},
    "qwen2.5vl_merger": {"clip.vision.n_wa_pattern": 8, "clip.use_silu": True},
    "resampler": {"clip.minicpmv_version": 3, "clip.minicpmv_query_num": 64},
}


def _field(reader: GGUFReader, key: str) -> tuple[Any, GGUFValueType]:
    field = reader.fields[key]
    return field.contents(), field.types[0]


@pytest.mark.parametrize("projector_type", sorted(FAMILY_KEYS))
def test_projector_header(projector_type: str, tmp_path: Path) -> None:
    import llama_cpp.mtmd_cpp as mtmd

    path = write_projector_header(tmp_path / f"{projector_type}.gguf", projector_type,
                                  projection_dim=896, image_size=384, patch_size=16)
    reader = GGUFReader(path)
    assert _field(reader, "general.architecture") == ("clip", GGUFValueType.STRING)
    assert _field(reader, "clip.projector_type") == (projector_type, GGUFValueType.STRING)
    assert _field(reader, "clip.vision.projection_dim") == (896, GGUFValueType.UINT32)
    assert _field(reader, "clip.vision.image_size") == (384, GGUFValueType.UINT32)
    assert _field(reader, "clip.vision.patch_size") == (16, GGUFValueType.UINT32)
    for key, value in FAMILY_KEYS[projector_type].items():
        assert _field(reader, key)[0] == value
    assert len(reader.tensors) == 1 and path.stat().st_size < 4096
    caps = mtmd.mtmd_get_cap_from_file(str(path).encode())  # llama.cpp's own GGUF parser
    assert (caps.inp_vision, caps.inp_audio) == (True, False)


def test_projector_header_types_and_extra(tmp_path: Path) -> None:
    minicpmv = GGUFReader(write_projector_header(tmp_path / "m.gguf", "resampler"))
    assert _field(minicpmv, "clip.minicpmv_version")[1] == GGUFValueType.INT32
    assert minicpmv.fields["clip.vision.image_mean"].types == [
        GGUFValueType.ARRAY, GGUFValueType.FLOAT32]

    moondream = GGUFReader(write_projector_header(
        tmp_path / "moondream.gguf", "mlp", image_size=378, patch_size=14,
        projection_dim=2048, extra=MOONDREAM2_KEYS))
    assert _field(moondream, "clip.projector_type")[0] == "mlp"
    assert _field(moondream, "general.name")[0] == "moondream2"
    assert _field(moondream, "clip.vision.embedding_length")[0] == 1152
    assert list(_field(moondream, "clip.vision.image_std")[0]) == [0.5, 0.5, 0.5]

    odd = GGUFReader(write_projector_header(
        tmp_path / "odd.gguf", "notaprojector",
        extra={"clip.vision.feature_layer": [3, 7],
               "clip.vision.image_size": (5, GGUFValueType.INT32)}))
    assert _field(odd, "clip.projector_type")[0] == "notaprojector"
    assert odd.fields["clip.vision.feature_layer"].types == [
        GGUFValueType.ARRAY, GGUFValueType.INT32]
    assert _field(odd, "clip.vision.image_size") == (5, GGUFValueType.INT32)
    with pytest.raises(TypeError, match="no GGUF type"):
        write_projector_header(tmp_path / "bad.gguf", "mlp", extra={"x": object()})
