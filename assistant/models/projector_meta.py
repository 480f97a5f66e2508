"""What a vision projector (mmproj) GGUF header says: its family, image size and output width.

llama.cpp's ``clip`` loader decides everything from these keys and tensor shapes; reading
them here (no tensor data) lets Mosaic pick a projector, size images and refuse a projector
that does not belong to a model before llama.cpp ever opens the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.models.gguf_header import GGUFHeader

# clip_n_mmproj_embd in llama.cpp's clip.cpp: which tensor's which dimension is the width of
# the embeddings a projector feeds to the language model.
_OUTPUT_WIDTH_TENSOR: dict[str, tuple[str, int]] = {
    "mlp": ("mm.2.weight", 1),
    "mlp_norm": ("mm.3.bias", 0),
    "ldp": ("mm.model.mb_block.1.block.2.1.bias", 0),
    "ldpv2": ("mm.model.peg.0.bias", 0),
    "resampler": ("resampler.proj.weight", 0),
    "qwen2vl_merger": ("mm.2.bias", 0),
    "qwen2.5vl_merger": ("mm.2.bias", 0),
    "gemma3": ("mm.input_projection.weight", 0),
    "idefics3": ("mm.model.fc.weight", 1),
}
# Tensors llama.cpp's loader treats as optional but then uses without a check (a projector
# without them crashes the process), beyond the patch embedding every encoder needs.
_REQUIRED_TENSORS: dict[str, tuple[str, ...]] = {
    "mlp": ("mm.0.weight", "mm.2.weight", "v.position_embd.weight"),
    "mlp_norm": ("mm.0.weight", "mm.3.bias", "v.position_embd.weight"),
}
MAX_IMAGE_SIZE = 8192  # llama.cpp refuses larger


@dataclass(frozen=True)
class ProjectorMeta:
    """The vision-relevant facts of an mmproj header (``None``: the header does not say)."""

    projector_type: str
    has_vision: bool
    image_size: int | None
    patch_size: int | None
    output_width: int | None  # must equal the language model's embedding length
    scale_factor: int | None = None  # idefics3 (SmolVLM) pixel shuffle
    preproc_image_size: int | None = None  # idefics3: images are tiled up to this size
    image_max_pixels: int | None = None  # qwen2-vl family
    minicpmv_version: int | None = None
    minicpmv_query_num: int | None = None
    has_grid_pinpoints: bool = False  # llava-1.6 "anyres" tiling
    missing_tensors: tuple[str, ...] = ()  # required tensors the file lacks

    def damage(self) -> str:
        """Why llama.cpp would fail (or crash) on this projector, or "" when it looks sound."""
        if self.missing_tensors:
            return f"the tensor {self.missing_tensors[0]} is missing"
        if not self.image_size or self.image_size > MAX_IMAGE_SIZE:
            return "its image size is missing or impossible"
        if not self.patch_size or self.image_size % self.patch_size:
            return "its patch size is missing or does not divide the image size"
        return ""


def read_projector_meta(header: GGUFHeader) -> ProjectorMeta:
    """The projector facts of a ``clip`` GGUF header (tolerant: missing keys become None)."""
    meta = header.metadata
    projector_type = _text(meta.get("clip.vision.projector_type")) or _text(
        meta.get("clip.projector_type")) or "mlp"  # llama.cpp's default when the key is absent
    has_vision = meta.get("clip.has_vision_encoder")
    shapes = {t.name: t.shape for t in header.tensors}
    width = None
    rule = _OUTPUT_WIDTH_TENSOR.get(projector_type)
    if rule is not None:
        shape = shapes.get(rule[0], ())
        if len(shape) > rule[1]:
            width = shape[rule[1]]
    if width is None:
        width = _count(meta.get("clip.vision.projection_dim"))
    return ProjectorMeta(
        projector_type=projector_type,
        # Old LLaVA projectors predate the key; they are vision-only.
        has_vision=has_vision if isinstance(has_vision, bool) else True,
        image_size=_count(meta.get("clip.vision.image_size")),
        patch_size=_count(meta.get("clip.vision.patch_size")),
        output_width=width,
        scale_factor=_count(meta.get("clip.vision.projector.scale_factor")),
        preproc_image_size=_count(meta.get("clip.vision.preproc_image_size")),
        image_max_pixels=_count(meta.get("clip.vision.image_max_pixels")),
        minicpmv_version=_count(meta.get("clip.minicpmv_version")),
        minicpmv_query_num=_count(meta.get("clip.minicpmv_query_num")),
        has_grid_pinpoints=bool(meta.get("clip.vision.image_grid_pinpoints")),
        missing_tensors=tuple(
            name for name in ("v.patch_embd.weight", *_REQUIRED_TENSORS.get(projector_type, ()))
            if name not in shapes) if has_vision is not False else (),
    )


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


__all__ = ["MAX_IMAGE_SIZE", "ProjectorMeta", "read_projector_meta"]
