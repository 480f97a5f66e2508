"""Tiny but real vision model pairs (text GGUF + ``mlp`` mmproj GGUF) for llama.cpp's mtmd path.

``write_tiny_vision_pair`` writes a llama text model (``write_tiny_llama``, 64 wide, with a
ChatML template that accepts content parts) and a LLaVA-1.5-style CLIP mmproj:
``general.architecture = "clip"``, ``clip.projector_type = "mlp"``, a ViT (class token,
pre-layernorm, 3 blocks of which the llava graph runs the first 2, as LLaVA uses the
penultimate layer) and a two-layer GELU projector ``mm.0`` / ``mm.2``. Weights are seeded
random; every block is layer-normalised, so embeddings stay finite, and the projector output
has a standard deviation near 1 like the text model's token embeddings, so different images
give different greedy answers. About 610 KB (text) + 360 KB (mmproj, f16).

What llama.cpp (llama-cpp-python 0.3.36) does with a damaged mmproj, each run in a subprocess
(tests/engine/test_synthetic_vision_loads.py checks every row). ``MTMDChatHandler`` loads the
mmproj lazily, on the first ``create_chat_completion``; every failure below happens there,
inside ``mtmd_init_from_file`` (clip_init + warmup), before any image is encoded:

=========================  ==========  =====================================================
mmproj                     result      what llama.cpp logs
=========================  ==========  =====================================================
projection_dim 96, text    error       mismatch between text model (n_embd = 64) and mmproj
model 64                               (n_embd = 96)
missing_required_tensor    error       unable to find tensor v.blk.0.attn_out.weight
image_size_huge (10**9)    error       image_size (1000000000) is too large (max 8192)
patch_size_zero            error       patch_size (0) must be positive and less than 65536
unknown_projector          error       unknown projector type: notaprojector
truncated_data (half)      error       failed to seek for tensor …
truncated_tail (-100 B)    loads       nothing: the short read goes unnoticed and it answers
missing_projector_output   SIGSEGV     nothing (clip_n_mmproj_embd reads mm.2.weight, NULL)
missing_position_embd      SIGSEGV     nothing (the warmup graph uses the NULL tensor)
wrong_shape (mm.0)         SIGABRT     GGML_ASSERT(ggml_can_mul_mat(a, b)) failed
image_size_zero            SIGABRT     GGML_ASSERT((!is_2D || OH > 0) && "b too small …")
wrong_key_type             SIGABRT     gguf.cpp GGML_ASSERT(type_to_gguf_type<T>::value
(image_size a string)                  == type) failed
=========================  ==========  =====================================================

An "error" reaches Python as ValueError("Failed to load mtmd context from: <path>"); with
``verbose=False`` the handler silences stderr while loading, so llama.cpp's reason is lost.
``CORRUPTION_OUTCOMES`` holds the same table as data.

``write_projector_header`` writes metadata-only mmproj files for other projector families
(header detection tests; llama.cpp cannot load them as models).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from gguf import GGUFReader, GGUFValueType, GGUFWriter, LlamaFileType

from tests.support.synthetic_gguf import write_tiny_llama

# ChatML that also accepts OpenAI-style content parts (lists of {"type": "text", ...}), which
# is what llama-cpp-python's MTMDChatHandler renders (image parts become the media marker).
CHATML_PARTS_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' }}"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}"
    "{{ '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)  # OpenAI CLIP, as LLaVA-1.5 uses
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
SIGLIP_MEAN = (0.5, 0.5, 0.5)
SIGLIP_STD = (0.5, 0.5, 0.5)

TEXT_N_EMBD = 64
VISION_N_EMBD = 64
VISION_N_HEAD = 4
VISION_N_FF = 256  # must differ from VISION_N_EMBD: clip.cpp guesses swapped ffn names by width
VISION_BLOCKS = 3  # the llava graph runs block_count - 1 of them


@dataclass(frozen=True)
class VisionPair:
    """A text model and the mmproj that gives it eyes."""

    model: Path
    mmproj: Path


def write_tiny_vision_pair(
    folder: Path,
    *,
    seed: int = 0,
    image_size: int = 64,
    patch_size: int = 8,
    projection_dim: int | None = None,
    name: str = "tiny-vision-test",
    f16: bool = True,
) -> VisionPair:
    """Write ``<name>.gguf`` and ``mmproj-<name>-f16.gguf`` (``-f32`` when not ``f16``).

    ``projection_dim`` defaults to the text model's width (64); another value writes an mmproj
    that does not fit the model, which llama.cpp refuses when the two are paired.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model = write_tiny_llama(folder / f"{name}.gguf", seed=seed, n_embd=TEXT_N_EMBD,
                             chat_template=CHATML_PARTS_TEMPLATE, name=name)
    suffix = "f16" if f16 else "f32"
    mmproj = write_tiny_mmproj(folder / f"mmproj-{name}-{suffix}.gguf", seed=seed,
                               image_size=image_size, patch_size=patch_size,
                               projection_dim=projection_dim or TEXT_N_EMBD, name=name, f16=f16)
    return VisionPair(model=model, mmproj=mmproj)


def _mmproj_tensors(
    rng: np.random.Generator, *, image_size: int, patch_size: int, projection_dim: int,
    f16: bool,
) -> dict[str, np.ndarray]:
    """LLaVA-1.5 CLIP tensors, numpy shapes (GGUF stores them with the axes reversed)."""
    weight_type = np.float16 if f16 else np.float32
    n_embd, n_ff = VISION_N_EMBD, VISION_N_FF
    n_patches = (image_size // patch_size) ** 2

    def weight(*shape: int, scale: float) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(weight_type)

    def vector(size: int, scale: float = 0.02, centre: float = 0.0) -> np.ndarray:
        return (centre + rng.standard_normal(size) * scale).astype(np.float32)

    fan_in = 3 * patch_size * patch_size
    tensors: dict[str, np.ndarray] = {
        "v.patch_embd.weight": weight(n_embd, 3, patch_size, patch_size, scale=fan_in**-0.5),
        "v.class_embd": vector(n_embd, 1.0),
        "v.position_embd.weight": weight(n_patches + 1, n_embd, scale=0.1),
        "v.pre_ln.weight": vector(n_embd, 0.02, 1.0),
        "v.pre_ln.bias": vector(n_embd),
    }
    for layer in range(VISION_BLOCKS):
        prefix = f"v.blk.{layer}"
        for part in ("attn_q", "attn_k", "attn_v", "attn_out"):
            tensors[f"{prefix}.{part}.weight"] = weight(n_embd, n_embd, scale=n_embd**-0.5)
            tensors[f"{prefix}.{part}.bias"] = vector(n_embd)
        tensors[f"{prefix}.ln1.weight"] = vector(n_embd, 0.02, 1.0)
        tensors[f"{prefix}.ln1.bias"] = vector(n_embd)
        tensors[f"{prefix}.ffn_up.weight"] = weight(n_ff, n_embd, scale=n_embd**-0.5)
        tensors[f"{prefix}.ffn_up.bias"] = vector(n_ff)
        tensors[f"{prefix}.ffn_down.weight"] = weight(n_embd, n_ff, scale=n_ff**-0.5)
        tensors[f"{prefix}.ffn_down.bias"] = vector(n_embd)
        tensors[f"{prefix}.ln2.weight"] = vector(n_embd, 0.02, 1.0)
        tensors[f"{prefix}.ln2.bias"] = vector(n_embd)
    # Projector: like the text model's token embeddings, the output has a standard deviation
    # of about 1 (the residual stream entering it is about that wide too).
    tensors["mm.0.weight"] = weight(projection_dim, n_embd, scale=n_embd**-0.5)
    tensors["mm.0.bias"] = vector(projection_dim)
    tensors["mm.2.weight"] = weight(projection_dim, projection_dim,
                                    scale=projection_dim**-0.5)
    tensors["mm.2.bias"] = vector(projection_dim)
    return tensors


def write_tiny_mmproj(
    path: Path, *, seed: int = 0, image_size: int = 64, patch_size: int = 8,
    projection_dim: int = TEXT_N_EMBD, name: str = "tiny-vision-test", f16: bool = True,
) -> Path:
    """Write the LLaVA-style ``mlp`` mmproj alone (see the module docstring); returns ``path``."""
    if patch_size <= 0 or image_size % patch_size:
        raise ValueError("image_size must be a positive multiple of patch_size")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 1])  # not the text model's stream, still fixed by seed
    tensors = _mmproj_tensors(rng, image_size=image_size, patch_size=patch_size,
                              projection_dim=projection_dim, f16=f16)
    writer = GGUFWriter(path, "clip")
    writer.add_type("mmproj")
    writer.add_name(name)
    writer.add_description("image encoder for LLaVA")
    writer.add_file_type(LlamaFileType.MOSTLY_F16 if f16 else LlamaFileType.ALL_F32)
    writer.add_bool("clip.has_text_encoder", False)
    writer.add_clip_has_vision_encoder(True)
    writer.add_bool("clip.has_llava_projector", True)
    writer.add_clip_projector_type("mlp")
    writer.add_bool("clip.use_gelu", False)  # CLIP ViT-L uses quick GELU
    writer.add_uint32("clip.vision.image_size", image_size)
    writer.add_uint32("clip.vision.patch_size", patch_size)
    writer.add_uint32("clip.vision.embedding_length", VISION_N_EMBD)
    writer.add_uint32("clip.vision.feed_forward_length", VISION_N_FF)
    writer.add_uint32("clip.vision.projection_dim", projection_dim)
    writer.add_uint32("clip.vision.block_count", VISION_BLOCKS)
    writer.add_uint32("clip.vision.attention.head_count", VISION_N_HEAD)
    writer.add_float32("clip.vision.attention.layer_norm_epsilon", 1e-5)
    writer.add_array("clip.vision.image_mean", list(CLIP_MEAN))
    writer.add_array("clip.vision.image_std", list(CLIP_STD))
    for tensor_name, data in tensors.items():
        writer.add_tensor(tensor_name, data)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


# --- metadata-only projector headers -------------------------------------------------------

# Keys each family's converter writes beyond the common CLIP ones, with realistic values from
# one released model of the family. ``image_size``, ``patch_size`` and ``projection_dim`` come
# from ``write_projector_header``'s arguments.
_FAMILY_KEYS: dict[str, dict[str, object]] = {
    # LLaVA-1.5-7B (legacy convert_image_encoder_to_gguf.py; CLIP ViT-L/14-336, last block cut)
    "mlp": {
        "general.description": "image encoder for LLaVA",
        "clip.has_text_encoder": False,
        "clip.has_llava_projector": True,
        "clip.use_gelu": False,
        "clip.vision.embedding_length": 1024,
        "clip.vision.feed_forward_length": 4096,
        "clip.vision.block_count": 23,
        "clip.vision.attention.head_count": 16,
        "clip.vision.attention.layer_norm_epsilon": 1e-5,
        "clip.vision.image_mean": list(CLIP_MEAN),
        "clip.vision.image_std": list(CLIP_STD),
    },
    # SmolVLM-256M-Instruct (convert_hf_to_gguf.py, SmolVLMModel)
    "idefics3": {
        "clip.use_gelu": True,
        "clip.vision.embedding_length": 768,
        "clip.vision.feed_forward_length": 3072,
        "clip.vision.block_count": 12,
        "clip.vision.attention.head_count": 12,
        "clip.vision.attention.layer_norm_epsilon": 1e-6,
        "clip.vision.projector.scale_factor": 4,
        "clip.vision.preproc_image_size": 2048,
        "clip.vision.image_mean": list(SIGLIP_MEAN),
        "clip.vision.image_std": list(SIGLIP_STD),
    },
    # gemma-3-4b-it (Gemma3VisionModel; scale_factor only written when it is not 4)
    "gemma3": {
        "clip.use_gelu": True,
        "clip.vision.embedding_length": 1152,
        "clip.vision.feed_forward_length": 4304,
        "clip.vision.block_count": 27,
        "clip.vision.attention.head_count": 16,
        "clip.vision.attention.layer_norm_epsilon": 1e-6,
        "clip.vision.image_mean": list(SIGLIP_MEAN),
        "clip.vision.image_std": list(SIGLIP_STD),
    },
    # Qwen2-VL-2B-Instruct (Qwen2VLVisionModel: feed_forward_length is the merger width)
    "qwen2vl_merger": {
        "clip.vision.embedding_length": 1280,
        "clip.vision.feed_forward_length": 1536,
        "clip.vision.block_count": 32,
        "clip.vision.attention.head_count": 16,
        "clip.vision.attention.layer_norm_epsilon": 1e-6,
        "clip.vision.image_mean": list(CLIP_MEAN),
        "clip.vision.image_std": list(CLIP_STD),
    },
    # Qwen2.5-VL-3B-Instruct (n_wa_pattern is required by llama.cpp for this type)
    "qwen2.5vl_merger": {
        "clip.use_silu": True,
        "clip.vision.embedding_length": 1280,
        "clip.vision.feed_forward_length": 3420,
        "clip.vision.block_count": 32,
        "clip.vision.attention.head_count": 16,
        "clip.vision.attention.layer_norm_epsilon": 1e-6,
        "clip.vision.n_wa_pattern": 8,
        "clip.vision.image_mean": list(CLIP_MEAN),
        "clip.vision.image_std": list(CLIP_STD),
    },
    # MiniCPM-V 2.6 (legacy minicpmv-convert-image-encoder-to-gguf.py, which writes
    # projection_dim 0 and the version as INT32)
    "resampler": {
        "general.description": "image encoder for MiniCPM-V",
        "clip.has_text_encoder": False,
        "clip.has_minicpmv_projector": True,
        "clip.minicpmv_version": (3, GGUFValueType.INT32),
        "clip.minicpmv_query_num": 64,
        "clip.use_gelu": True,
        "clip.vision.embedding_length": 1152,
        "clip.vision.feed_forward_length": 4304,
        "clip.vision.block_count": 27,
        "clip.vision.attention.head_count": 16,
        "clip.vision.attention.layer_norm_epsilon": 1e-6,
        "clip.vision.image_mean": list(SIGLIP_MEAN),
        "clip.vision.image_std": list(SIGLIP_STD),
    },
}

# moondream2 has no projector type of its own: its mmproj files (vikhyatk/moondream2's
# moondream2-mmproj-f16.gguf, read by llama.cpp's clip loader and by vikhyat's own
# moondream-ggml, which accepts only "mlp") say ``clip.projector_type = "mlp"``; what tells them
# apart from LLaVA is a SigLIP tower. Use as
# ``write_projector_header(path, "mlp", image_size=378, patch_size=14, projection_dim=2048,
# extra=MOONDREAM2_KEYS)``.
MOONDREAM2_KEYS: dict[str, object] = {
    "general.name": "moondream2",
    "clip.has_llava_projector": True,
    "clip.use_gelu": True,
    "clip.vision.embedding_length": 1152,
    "clip.vision.feed_forward_length": 4304,
    "clip.vision.block_count": 27,
    "clip.vision.attention.head_count": 16,
    "clip.vision.attention.layer_norm_epsilon": 1e-6,
    "clip.vision.image_mean": list(SIGLIP_MEAN),
    "clip.vision.image_std": list(SIGLIP_STD),
}

_SCALAR_TYPES: dict[type, GGUFValueType] = {
    bool: GGUFValueType.BOOL, int: GGUFValueType.UINT32, float: GGUFValueType.FLOAT32,
    str: GGUFValueType.STRING,
}


def _add_value(writer: GGUFWriter, key: str, value: object) -> None:
    """Add one key with the GGUF type llama.cpp reads it as.

    ``bool`` → BOOL, ``int`` → UINT32, ``float`` → FLOAT32, ``str`` → STRING, a list → ARRAY
    (ints INT32, floats FLOAT32); ``(value, GGUFValueType)`` forces a type.
    """
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], GGUFValueType):
        writer.add_key_value(key, value[0], value[1])
    elif isinstance(value, list):
        writer.add_array(key, value)
    elif type(value) in _SCALAR_TYPES:
        writer.add_key_value(key, value, _SCALAR_TYPES[type(value)])
    else:
        raise TypeError(f"no GGUF type for {key}={value!r}")


def write_projector_header(
    path: Path, projector_type: str, *, projection_dim: int = 64, image_size: int = 224,
    patch_size: int = 14, extra: dict[str, object] | None = None,
) -> Path:
    """Write a valid GGUF mmproj whose metadata says ``projector_type``, with one dummy tensor.

    Known families ("mlp", "idefics3", "gemma3", "qwen2vl_merger", "qwen2.5vl_merger",
    "resampler") get the keys their converter writes; any other type gets only the common CLIP
    keys. ``extra`` adds or overrides keys (see ``_add_value`` for the types). The file is for
    metadata detection only: llama.cpp cannot load it as a model.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    keys: dict[str, object] = {
        "general.type": "mmproj",
        "general.name": f"tiny {projector_type} projector header",
        "general.file_type": int(LlamaFileType.MOSTLY_F16),
        "clip.has_vision_encoder": True,
        "clip.projector_type": projector_type,
        "clip.vision.image_size": image_size,
        "clip.vision.patch_size": patch_size,
        "clip.vision.projection_dim": projection_dim,
        "clip.vision.embedding_length": 64,
        "clip.vision.feed_forward_length": 256,
        "clip.vision.block_count": 2,
        "clip.vision.attention.head_count": 4,
        "clip.vision.attention.layer_norm_epsilon": 1e-6,
        "clip.vision.image_mean": list(CLIP_MEAN),
        "clip.vision.image_std": list(CLIP_STD),
    }
    keys.update(_FAMILY_KEYS.get(projector_type, {}))
    keys.update(extra or {})
    writer = GGUFWriter(path, "clip")
    for key, value in keys.items():
        _add_value(writer, key, value)
    writer.add_tensor("v.dummy", np.zeros(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


# --- damaged copies of a real mmproj ---------------------------------------------------------

CORRUPTIONS = (
    "missing_required_tensor",  # v.blk.0.attn_out.weight dropped (the loader requires it)
    "missing_projector_output",  # mm.2.weight dropped (the loader thinks it optional)
    "missing_position_embd",  # v.position_embd.weight dropped (optional to the loader)
    "wrong_shape",  # mm.0.weight takes 32 inputs instead of the encoder's width
    "image_size_zero",
    "image_size_huge",  # 10**9
    "patch_size_zero",
    "wrong_key_type",  # clip.vision.image_size stored as a string
    "unknown_projector",
    "truncated_data",  # tensor data cut in half; the header is intact
    "truncated_tail",  # the last 100 bytes cut (inside the last tensor)
)


def _copy_gguf(
    src: Path, dst: Path, *, drop: frozenset[str] = frozenset(),
    replace: Mapping[str, np.ndarray] | None = None,
    set_keys: Mapping[str, object] | None = None,
) -> Path:
    """Copy ``src`` to ``dst`` through the gguf package, dropping or replacing parts."""
    reader = GGUFReader(src)
    architecture = reader.fields["general.architecture"].contents()
    writer = GGUFWriter(dst, architecture)
    set_keys = dict(set_keys or {})
    for field in reader.fields.values():
        if field.name == "general.architecture" or field.name.startswith("GGUF."):
            continue
        if field.name in set_keys:
            _add_value(writer, field.name, set_keys.pop(field.name))
            continue
        main_type = field.types[0]
        sub_type = field.types[-1] if main_type == GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), main_type, sub_type=sub_type)
    for key, value in set_keys.items():
        _add_value(writer, key, value)
    replace = replace or {}
    for tensor in reader.tensors:
        if tensor.name in drop:
            continue
        if tensor.name in replace:
            writer.add_tensor(tensor.name, replace[tensor.name])
        else:
            writer.add_tensor(tensor.name, np.array(tensor.data), raw_dtype=tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return dst


_DAMAGES: dict[str, Callable[[Path, Path], Path]] = {
    "missing_required_tensor": lambda src, dst: _copy_gguf(
        src, dst, drop=frozenset({"v.blk.0.attn_out.weight"})),
    "missing_projector_output": lambda src, dst: _copy_gguf(
        src, dst, drop=frozenset({"mm.2.weight"})),
    "missing_position_embd": lambda src, dst: _copy_gguf(
        src, dst, drop=frozenset({"v.position_embd.weight"})),
    "wrong_shape": lambda src, dst: _copy_gguf(
        src, dst, replace={"mm.0.weight": np.zeros((TEXT_N_EMBD, 32), dtype=np.float16)}),
    "image_size_zero": lambda src, dst: _copy_gguf(
        src, dst, set_keys={"clip.vision.image_size": 0}),
    "image_size_huge": lambda src, dst: _copy_gguf(
        src, dst, set_keys={"clip.vision.image_size": 10**9}),
    "patch_size_zero": lambda src, dst: _copy_gguf(
        src, dst, set_keys={"clip.vision.patch_size": 0}),
    "wrong_key_type": lambda src, dst: _copy_gguf(
        src, dst, set_keys={"clip.vision.image_size": "64"}),
    "unknown_projector": lambda src, dst: _copy_gguf(
        src, dst, set_keys={"clip.projector_type": "notaprojector"}),
    "truncated_data": lambda src, dst: _truncate(src, dst, keep_data_fraction=0.5),
    "truncated_tail": lambda src, dst: _truncate(src, dst, cut_bytes=100),
}


def _truncate(src: Path, dst: Path, *, keep_data_fraction: float = 1.0,
              cut_bytes: int = 0) -> Path:
    """Cut tensor data off the end of ``src``; the header and tensor infos stay whole."""
    data_start = min(int(tensor.data_offset) for tensor in GGUFReader(src).tensors)
    data = Path(src).read_bytes()
    end = data_start + int((len(data) - data_start) * keep_data_fraction) - cut_bytes
    dst.write_bytes(data[:max(end, data_start)])
    return dst


@dataclass(frozen=True)
class CorruptionOutcome:
    """What llama.cpp does when MTMDChatHandler first loads a damaged mmproj."""

    result: str  # "error" (ValueError in Python), "loads", "SIGABRT" or "SIGSEGV"
    llama_cpp_says: str  # the line llama.cpp logs, or "" when it says nothing


# Found with llama-cpp-python 0.3.36 (see the module docstring, which shows the same table).
MISMATCH_OUTCOME = CorruptionOutcome(
    "error", "mismatch between text model (n_embd = 64) and mmproj (n_embd = 96)")
CORRUPTION_OUTCOMES: dict[str, CorruptionOutcome] = {
    "missing_required_tensor": CorruptionOutcome(
        "error", "unable to find tensor v.blk.0.attn_out.weight"),
    "image_size_huge": CorruptionOutcome(
        "error", "image_size (1000000000) is too large (max 8192)"),
    "patch_size_zero": CorruptionOutcome(
        "error", "patch_size (0) must be positive and less than 65536"),
    "unknown_projector": CorruptionOutcome("error", "unknown projector type: notaprojector"),
    "truncated_data": CorruptionOutcome("error", "failed to seek for tensor"),
    "truncated_tail": CorruptionOutcome("loads", ""),
    "missing_projector_output": CorruptionOutcome("SIGSEGV", ""),
    "missing_position_embd": CorruptionOutcome("SIGSEGV", ""),
    "wrong_shape": CorruptionOutcome("SIGABRT", "GGML_ASSERT(ggml_can_mul_mat(a, b)) failed"),
    "image_size_zero": CorruptionOutcome("SIGABRT", "b too small compared to a"),
    "wrong_key_type": CorruptionOutcome(
        "SIGABRT", "GGML_ASSERT(type_to_gguf_type<T>::value == type) failed"),
}


def write_corrupt_mmproj(src: Path, dst: Path, how: str) -> Path:
    """Write a damaged copy of the mmproj ``src`` to ``dst``; ``how`` is one of CORRUPTIONS.

    Every variant keeps a parseable GGUF header; ``CORRUPTION_OUTCOMES`` says what llama.cpp
    then does with it.
    """
    if how not in _DAMAGES:
        raise ValueError(f"unknown corruption {how!r}; choose one of {', '.join(CORRUPTIONS)}")
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    return _DAMAGES[how](Path(src), dst)
