"""Vision models: which projector (mmproj) goes with a model, its family, and image budgets.

A vision model is a language-model GGUF plus a projector GGUF whose output width equals the
model's embedding length. Mosaic looks for the projector beside the model (same folder, a
name containing ``mmproj``), reads only headers, and works out per family how large an image
the projector wants and roughly how many context tokens an image costs. The engine counts
the exact number when it builds the prompt; these estimates are for the composer.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from assistant.core.i18n import translate
from assistant.models.gguf_inspect import GGUFInfo, ModelFileError, inspect_gguf
from assistant.models.projector_meta import ProjectorMeta

PROJECTOR_MARK = "mmproj"
DEFAULT_MAX_SIDE = 1024  # for projectors that take any size: what a CPU encodes in seconds
_NAME_WORDS = re.compile(r"[a-z0-9]+")
_NOT_NAME_WORDS = frozenset({"mmproj", "gguf", "model", "f16", "f32", "bf16", "q8", "0", "q4",
                             "k", "m", "s", "it", "instruct", "chat"})


class VisionFamily(StrEnum):
    """How a projector family turns an image into tokens (and what it expects around it)."""

    LLAVA = "LLaVA"  # mlp, mlp_norm, ldp, ldpv2 projectors on a llama-family model
    MOONDREAM = "moondream"  # an mlp projector on a phi-2 model
    IDEFICS3 = "SmolVLM / Idefics3"
    GEMMA3 = "Gemma 3"
    QWEN2VL = "Qwen2-VL / Qwen2.5-VL"
    MINICPMV = "MiniCPM-V"
    OTHER = "other"  # a projector llama.cpp supports that Mosaic has no special rule for


_FAMILY_OF_TYPE = {
    "mlp": VisionFamily.LLAVA, "mlp_norm": VisionFamily.LLAVA, "ldp": VisionFamily.LLAVA,
    "ldpv2": VisionFamily.LLAVA, "idefics3": VisionFamily.IDEFICS3,
    "gemma3": VisionFamily.GEMMA3, "qwen2vl_merger": VisionFamily.QWEN2VL,
    "qwen2.5vl_merger": VisionFamily.QWEN2VL, "qwen3vl_merger": VisionFamily.QWEN2VL,
    "resampler": VisionFamily.MINICPMV,
}


def vision_family(projector: ProjectorMeta, model: GGUFInfo | None = None) -> VisionFamily:
    """The family, from the projector type (and, for moondream, the language model)."""
    family = _FAMILY_OF_TYPE.get(projector.projector_type, VisionFamily.OTHER)
    if family is VisionFamily.LLAVA and model is not None and (
            "moondream" in model.name.lower() or model.architecture == "phi2"):
        return VisionFamily.MOONDREAM
    return family


# How template-less models of a family were trained to converse (None: Mosaic's default).
_PLAIN_SPEAKERS: dict[VisionFamily, tuple[str, str]] = {
    VisionFamily.MOONDREAM: ("Question", "Answer"),
    VisionFamily.LLAVA: ("USER", "ASSISTANT"),
}


def plain_speakers(family: VisionFamily) -> tuple[str, str] | None:
    """The turn names a family expects when its model has no chat template."""
    return _PLAIN_SPEAKERS.get(family)


@dataclass(frozen=True)
class ImageBudget:
    """How one family wants images: the longest side sent, and a token estimate."""

    family: VisionFamily
    max_side: int
    projector: ProjectorMeta

    def tokens_for(self, width: int, height: int) -> int:
        """About how many context tokens an image of ``width`` × ``height`` px costs."""
        meta = self.projector
        width, height = fit_within(width, height, self.max_side)
        size = meta.image_size or 224
        patch = meta.patch_size or 14
        patches = (size // patch) ** 2
        if self.family is VisionFamily.GEMMA3:
            return 256 + 2
        if self.family is VisionFamily.QWEN2VL:
            unit = patch * 2  # 2×2 patches merge into one token
            return max(1, round(width / unit)) * max(1, round(height / unit)) + 2
        if self.family is VisionFamily.IDEFICS3:
            per_tile = patches // max(1, meta.scale_factor or 1) ** 2
            tiles = math.ceil(width / size) * math.ceil(height / size)
            return per_tile * (tiles + 1 if tiles > 1 else 1) + 4 * (tiles + 1)
        if self.family is VisionFamily.MINICPMV:
            queries = meta.minicpmv_query_num or (96 if meta.minicpmv_version == 2 else 64)
            slices = min(9, math.ceil(width * height / 448 ** 2))
            return queries * (slices + 1 if slices > 1 else 1) + 2 * (slices + 1)
        if meta.projector_type in ("ldp", "ldpv2"):
            patches //= 4
        if meta.has_grid_pinpoints:
            patches *= 5  # a base image plus up to four tiles
        return patches


def image_budget(projector: ProjectorMeta, model: GGUFInfo | None = None) -> ImageBudget:
    """The image size a projector was trained at, and how it counts tokens."""
    family = vision_family(projector, model)
    size = projector.image_size
    if family is VisionFamily.IDEFICS3:
        max_side = projector.preproc_image_size or (size or 512) * 3
    elif family is VisionFamily.QWEN2VL:
        limit = math.isqrt(projector.image_max_pixels) if projector.image_max_pixels else 0
        max_side = min(limit or DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE)
    elif family is VisionFamily.MINICPMV:
        max_side = 1344  # up to nine 448-pixel slices
    elif projector.has_grid_pinpoints:
        max_side = (size or 336) * 2
    else:
        max_side = size or DEFAULT_MAX_SIDE
    return ImageBudget(family, max(64, max_side), projector)


def fit_within(width: int, height: int, max_side: int) -> tuple[int, int]:
    """``width`` × ``height`` scaled down (never up) so the longer side is ``max_side``."""
    longest = max(width, height, 1)
    if longest <= max_side:
        return max(width, 1), max(height, 1)
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


class ProjectorMismatch(ModelFileError):
    """The projector belongs to another model (or is not a vision projector at all)."""


def check_projector(model: GGUFInfo, projector: GGUFInfo) -> None:
    """Raise ProjectorMismatch unless ``projector`` can give ``model`` sight."""
    label = Path(projector.path).name
    meta = projector.projector
    if meta is None:
        raise ProjectorMismatch(translate(
            "Vision", "{file} is a language model, not a vision projector; choose the mmproj "
            "file published with {model}.").format(file=label, model=model.name))
    if not meta.has_vision:
        raise ProjectorMismatch(translate(
            "Vision", "{file} is an audio projector, not a vision one; choose the vision mmproj "
            "file published with {model}.").format(file=label, model=model.name))
    damage = meta.damage()
    if damage:
        raise ProjectorMismatch(translate(
            "Vision", "{file} is damaged ({reason}), so llama.cpp cannot use it; download the "
            "mmproj file of {model} again.").format(file=label, reason=damage, model=model.name))
    if (meta.output_width and model.embedding_length
            and meta.output_width != model.embedding_length):
        raise ProjectorMismatch(translate(
            "Vision", "{file} does not belong to {model}: it makes {width}-wide image "
            "embeddings but the model reads {expected}-wide ones; choose the mmproj file "
            "published with this model.").format(file=label, model=model.name,
                                                 width=meta.output_width,
                                                 expected=model.embedding_length))


def projector_candidates(model_path: Path) -> list[Path]:
    """GGUF files beside ``model_path`` whose name contains ``mmproj``, by name."""
    folder = model_path.parent
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = [Path(entry.path) for entry in entries
             if PROJECTOR_MARK in entry.name.lower() and entry.name.lower().endswith(".gguf")
             and not entry.name.startswith(".") and _is_file(entry)]
    return sorted(found, key=lambda p: p.name.casefold())


def find_projector(model: GGUFInfo) -> Path | None:
    """The projector beside ``model`` that fits it and is named most like it.

    Several models often share a folder, and a projector can fit models it was not made for
    (Qwen2.5-VL-3B's projector fits the text-only Qwen2.5-3B). So a projector goes to the
    model whose file name shares the most words with it; a model gets it only when no other
    model in the folder is named more like it (or when it is the folder's only model).
    """
    model_path = Path(model.path)
    model_words = _name_words(model_path.stem) | _name_words(model.name)
    others = [_name_words(p.stem) for p in _other_models(model_path)]
    best: tuple[int, str, Path] | None = None
    for candidate in projector_candidates(model_path):
        words = _name_words(candidate.stem)
        shared = len(model_words & words)
        rival = max((len(other & words) for other in others), default=0)
        if shared < rival or (others and shared == 0):
            continue
        try:
            check_projector(model, inspect_gguf(candidate))
        except ModelFileError:
            continue
        key = (-shared, candidate.name.casefold(), candidate)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]


def _other_models(model_path: Path) -> list[Path]:
    """The other language-model GGUF files in the model's folder (names only)."""
    try:
        entries = list(os.scandir(model_path.parent))
    except OSError:
        return []
    return [Path(entry.path) for entry in entries
            if entry.name.lower().endswith(".gguf") and PROJECTOR_MARK not in entry.name.lower()
            and entry.name != model_path.name and not entry.name.startswith(".")]


def _name_words(text: str) -> set[str]:
    return set(_NAME_WORDS.findall(text.lower())) - _NOT_NAME_WORDS


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False




@dataclass(frozen=True)
class VisionSetup:
    """A model and the projector Mosaic would load with it (``projector`` None: text only).

    ``problem`` says why a projector the person chose cannot be used ("" when fine).
    """

    model: GGUFInfo
    projector: GGUFInfo | None = None
    budget: ImageBudget | None = None
    problem: str = ""

    def description(self) -> str:
        """E.g. "sees images (Gemma 3, mmproj-gemma-3-4b-f16.gguf)", or ""."""
        if self.projector is None or self.budget is None:
            return ""
        return translate("Vision", "sees images ({family}, {file})").format(
            family=self.budget.family.value, file=Path(self.projector.path).name)


def inspect_vision_model(model_path: str, chosen_projector: str | None = None) -> VisionSetup:
    """Inspect a model and pick its projector: the chosen one if it fits, else one beside it.

    Raises ModelFileError for the model itself; a chosen projector that does not fit is
    reported in ``problem`` (and one found beside the model is used instead, if any).
    """
    model = inspect_gguf(model_path)
    if model.is_projector:
        return VisionSetup(model)
    problem = ""
    if chosen_projector:
        try:
            projector = inspect_gguf(chosen_projector)
            check_projector(model, projector)
        except ModelFileError as exc:
            problem = str(exc)
        else:
            assert projector.projector is not None
            return VisionSetup(model, projector, image_budget(projector.projector, model))
    found = find_projector(model)
    if found is None:
        return VisionSetup(model, problem=problem)
    projector = inspect_gguf(found)
    assert projector.projector is not None
    return VisionSetup(model, projector, image_budget(projector.projector, model), problem)


def vision_capable(model_paths: list[str]) -> dict[str, str]:
    """model path → the projector found beside it, for the models that can see images."""
    capable: dict[str, str] = {}
    for path in model_paths:
        if not projector_candidates(Path(path)):
            continue  # no mmproj in the folder: skip reading the model's header
        try:
            found = find_projector(inspect_gguf(path))
        except ModelFileError:
            continue
        if found is not None:
            capable[path] = str(found)
    return capable


__all__ = [
    "DEFAULT_MAX_SIDE",
    "PROJECTOR_MARK",
    "ImageBudget",
    "ProjectorMismatch",
    "VisionFamily",
    "VisionSetup",
    "check_projector",
    "find_projector",
    "fit_within",
    "image_budget",
    "inspect_vision_model",
    "plain_speakers",
    "projector_candidates",
    "vision_capable",
    "vision_family",
]
