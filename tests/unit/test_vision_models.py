"""Projector headers: families, image budgets, matching a model, finding the mmproj beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models.gguf_inspect import inspect_gguf
from assistant.models.registry import find_local_models
from assistant.models.vision import (
    ProjectorMismatch,
    VisionFamily,
    check_projector,
    find_projector,
    image_budget,
    inspect_vision_model,
    vision_capable,
    vision_family,
)
from tests.support.synthetic_gguf import write_tiny_llama
from tests.support.synthetic_vision import (
    MOONDREAM2_KEYS,
    VisionPair,
    write_corrupt_mmproj,
    write_projector_header,
    write_tiny_vision_pair,
)


@pytest.mark.parametrize(("projector_type", "family", "max_side", "tokens"), [
    ("mlp", VisionFamily.LLAVA, 336, 576),
    ("gemma3", VisionFamily.GEMMA3, 896, 258),
    ("idefics3", VisionFamily.IDEFICS3, None, None),
    ("qwen2vl_merger", VisionFamily.QWEN2VL, 1024, None),
    ("qwen2.5vl_merger", VisionFamily.QWEN2VL, 1024, None),
    ("resampler", VisionFamily.MINICPMV, 1344, None),
])
def test_each_family_is_told_by_its_metadata(
        tmp_path: Path, projector_type: str, family: VisionFamily, max_side: int | None,
        tokens: int | None) -> None:
    sizes = {"mlp": (336, 14), "gemma3": (896, 14), "idefics3": (512, 16),
             "resampler": (448, 14)}.get(projector_type, (560, 14))
    path = write_projector_header(tmp_path / f"mmproj-{projector_type}.gguf", projector_type,
                                  image_size=sizes[0], patch_size=sizes[1])
    info = inspect_gguf(path)
    assert info.is_projector and info.projector is not None
    assert info.projector.projector_type == projector_type
    budget = image_budget(info.projector)
    assert budget.family is family
    if max_side is not None:
        assert budget.max_side == max_side
    if tokens is not None:
        assert budget.tokens_for(4000, 3000) == tokens
    # a bigger photo never costs fewer tokens than a small one
    assert budget.tokens_for(4000, 3000) >= budget.tokens_for(300, 200) > 0


def test_dynamic_families_count_tokens_by_image_size(tmp_path: Path) -> None:
    qwen = image_budget(inspect_gguf(write_projector_header(
        tmp_path / "mmproj-qwen.gguf", "qwen2.5vl_merger")).projector)
    assert qwen.tokens_for(560, 280) == 20 * 10 + 2  # 28-pixel units after 2×2 merging
    assert qwen.tokens_for(8000, 4000) == qwen.tokens_for(1024, 512)  # downscaled first
    smol = image_budget(inspect_gguf(write_projector_header(
        tmp_path / "mmproj-smol.gguf", "idefics3", image_size=512, patch_size=16)).projector)
    assert smol.tokens_for(512, 512) < smol.tokens_for(1536, 1536)  # tiles


def test_moondream_is_an_mlp_projector_on_a_phi2_model(tmp_path: Path) -> None:
    projector = inspect_gguf(write_projector_header(
        tmp_path / "mmproj-moondream2.gguf", "mlp", image_size=378, patch_size=14,
        extra=MOONDREAM2_KEYS)).projector
    text = inspect_gguf(write_tiny_llama(tmp_path / "moondream2-text-model.gguf",
                                         name="moondream2", architecture="phi2"))
    assert projector is not None
    assert vision_family(projector, text) is VisionFamily.MOONDREAM
    assert vision_family(projector) is VisionFamily.LLAVA
    assert image_budget(projector, text).tokens_for(1000, 1000) == 27 * 27


def test_the_projector_beside_the_model_is_found_and_the_list_marks_the_model(
        tiny_vision_pair: VisionPair) -> None:
    setup = inspect_vision_model(str(tiny_vision_pair.model))
    assert setup.projector is not None
    assert Path(setup.projector.path) == tiny_vision_pair.mmproj
    assert setup.description() == f"sees images (LLaVA, {tiny_vision_pair.mmproj.name})"
    assert vision_capable([str(tiny_vision_pair.model)]) == {
        str(tiny_vision_pair.model): str(tiny_vision_pair.mmproj)}
    # the projector itself is not offered as a chat model
    assert find_local_models(tiny_vision_pair.model.parent) == [tiny_vision_pair.model]


def test_a_projector_of_another_size_beside_the_model_is_not_used(tmp_path: Path) -> None:
    pair = write_tiny_vision_pair(tmp_path)
    write_tiny_vision_pair(tmp_path / "other", projection_dim=96, name="wide")
    wide = tmp_path / "other" / "mmproj-wide-f16.gguf"
    wide.rename(tmp_path / "mmproj-aaa-wide-f16.gguf")  # sorts first, does not fit
    assert find_projector(inspect_gguf(pair.model)) == pair.mmproj


def test_a_chosen_projector_that_does_not_fit_is_explained(tmp_path: Path) -> None:
    pair = write_tiny_vision_pair(tmp_path / "a")
    other = write_tiny_vision_pair(tmp_path / "b", projection_dim=96, name="wide")
    setup = inspect_vision_model(str(pair.model), str(other.mmproj))
    assert "does not belong to tiny-vision-test" in setup.problem
    assert setup.projector is not None and Path(setup.projector.path) == pair.mmproj
    text_only = inspect_vision_model(str(other.model), str(pair.model))
    assert "is a language model, not a vision projector" in text_only.problem


@pytest.mark.parametrize(("how", "said"), [
    ("missing_projector_output", "mm.2.weight is missing"),
    ("missing_position_embd", "v.position_embd.weight is missing"),
    ("image_size_zero", "image size"),
    ("wrong_key_type", "image size"),
    ("patch_size_zero", "patch size"),
    ("truncated_tail", "incomplete"),
])
def test_damaged_projectors_that_would_crash_llama_cpp_are_refused_by_their_header(
        tmp_path: Path, tiny_vision_pair: VisionPair, how: str, said: str) -> None:
    damaged = write_corrupt_mmproj(tiny_vision_pair.mmproj, tmp_path / f"mmproj-{how}.gguf", how)
    model = inspect_gguf(tiny_vision_pair.model)
    with pytest.raises(Exception) as caught:  # ModelFileError or its ProjectorMismatch
        check_projector(model, inspect_gguf(damaged))
    assert said in str(caught.value)
    assert damaged.name in str(caught.value)
    assert isinstance(caught.value, ProjectorMismatch) or "incomplete" in str(caught.value)


def test_a_projector_goes_to_the_model_named_like_it_not_to_a_text_model_of_the_same_width(
        tmp_path: Path) -> None:
    pair = write_tiny_vision_pair(tmp_path, name="qwen2.5-vl-3b-instruct")
    text_only = write_tiny_llama(tmp_path / "qwen2.5-3b-instruct-q4_k_m.gguf")  # also 64 wide
    assert find_projector(inspect_gguf(pair.model)) == pair.mmproj
    assert find_projector(inspect_gguf(text_only)) is None
    assert vision_capable([str(pair.model), str(text_only)]) == {
        str(pair.model): str(pair.mmproj)}


def test_a_model_alone_in_its_folder_takes_any_fitting_projector(tmp_path: Path) -> None:
    pair = write_tiny_vision_pair(tmp_path)
    renamed = pair.mmproj.rename(tmp_path / "mmproj-model-f16.gguf")
    assert find_projector(inspect_gguf(pair.model)) == renamed
