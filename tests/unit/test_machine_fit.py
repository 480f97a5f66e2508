"""Memory, GPU and disk verdicts for catalog models on made-up machines (and on this one)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from assistant.models import machine_fit
from assistant.models.catalog import (
    Catalog,
    CatalogEntry,
    CatalogFile,
    FileRole,
    ModelKind,
    load_catalog,
)
from assistant.models.machine_fit import (
    Fit,
    MachineResources,
    estimate_entry_memory,
    judge_fit,
    parse_nvidia_smi,
    probe_machine,
    recommend,
)

GiB = 1 << 30
MiB = 1 << 20
TB = 10**12


def machine(ram_gib: float | None, *, vram_gib: float | None = None, disk: int | None = TB,
            gpu: str | None = None) -> MachineResources:
    ram = None if ram_gib is None else int(ram_gib * GiB)
    return MachineResources(total_ram_bytes=ram, available_ram_bytes=ram,
                            vram_bytes=None if vram_gib is None else int(vram_gib * GiB),
                            gpu_name=gpu if vram_gib else None, free_disk_bytes=disk)


LAPTOP_4GB = machine(3.8)  # MemTotal of a "4 GB" laptop is a little under 4 GiB
DESKTOP_16GB = machine(15.6)
GPU_8GB = machine(15.6, vram_gib=8, gpu="NVIDIA GeForce RTX 4060")
UNKNOWN = machine(None)
FULL_DISK = machine(15.6, disk=300 * MiB)


def entry(kind: ModelKind = ModelKind.CHAT, size: int = GiB, *, mmproj: int = 0,
          kv: int = 100_000, context: int = 32768) -> CatalogEntry:
    suffix = ".pt" if kind is ModelKind.SPEECH else ".gguf"
    files = [CatalogFile(FileRole.MODEL, "m" + suffix, size, repo="a/b")]
    if mmproj:
        files.append(CatalogFile(FileRole.MMPROJ, "mmproj-m.gguf", mmproj, repo="a/b"))
    return CatalogEntry(id="whisper-base" if kind is ModelKind.SPEECH else "made-up",
                        name="Made up", kind=kind, family="llama", parameters=1,
                        quantization="Q4_K_M", license="MIT", files=tuple(files),
                        min_ram_bytes=GiB, context_length=context,
                        kv_bytes_per_token=0 if kind is ModelKind.SPEECH else kv)


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog()


def shipped_entry(catalog: Catalog, entry_id: str) -> CatalogEntry:
    found = catalog.by_id(entry_id)
    assert found is not None
    return found


# --- the estimate -------------------------------------------------------------------------


def test_gguf_estimate_is_weights_plus_kv_cache_plus_compute_buffers() -> None:
    vision = entry(ModelKind.VISION, 2 * GiB, mmproj=GiB // 2, kv=100_000, context=32768)
    weights = 2 * GiB + GiB // 2
    expected = weights + 100_000 * 4096 + weights // 10 + 64 * MiB
    assert estimate_entry_memory(vision, 4096) == expected
    # More context costs exactly the KV cache, up to what the model was trained for.
    assert estimate_entry_memory(vision, 8192) - estimate_entry_memory(vision, 4096) == (
        100_000 * 4096)
    assert estimate_entry_memory(vision, 1_000_000) == estimate_entry_memory(vision, 32768)


def test_whisper_needs_twice_its_fp16_file_on_a_cpu_and_once_on_a_gpu() -> None:
    speech = entry(ModelKind.SPEECH, 145 * 10**6)
    assert estimate_entry_memory(speech) == 2 * 145 * 10**6 + 300 * MiB
    assert estimate_entry_memory(speech, on_gpu=True) == 145 * 10**6 + 300 * MiB


def test_min_ram_in_the_catalog_is_where_the_estimate_becomes_a_good_fit(
        shipped: Catalog) -> None:
    for e in shipped.entries:
        assert judge_fit(e, machine(e.min_ram_bytes / GiB)).fit is Fit.GOOD, e.id
        assert judge_fit(e, machine(e.min_ram_bytes / GiB - 0.6)).fit is not Fit.GOOD, e.id


# --- verdicts -----------------------------------------------------------------------------


def test_a_small_model_fits_a_4_gb_laptop(shipped: Catalog) -> None:
    verdict = judge_fit(shipped_entry(shipped, "smolvlm-256m-instruct"), LAPTOP_4GB)
    assert verdict.fit is Fit.GOOD and verdict.where == "memory"
    assert verdict.sentence == ("Needs about 0.4 GB; fits in this machine's 4 GB of memory.")


def test_a_3b_vision_model_is_tight_on_a_4_gb_laptop(shipped: Catalog) -> None:
    verdict = judge_fit(shipped_entry(shipped, "qwen2.5-vl-3b-instruct"), LAPTOP_4GB)
    assert verdict.fit is Fit.TIGHT
    assert verdict.sentence.startswith("Tight: needs about 3.0 GB of this machine's 4 GB")
    assert "close other programs" in verdict.sentence


def test_a_7b_model_is_too_big_for_a_4_gb_laptop(shipped: Catalog) -> None:
    verdict = judge_fit(shipped_entry(shipped, "qwen2.5-vl-7b-instruct"), LAPTOP_4GB)
    assert verdict.fit is Fit.TOO_BIG
    assert verdict.sentence == "Too big: needs about 6.0 GB, this machine has 4 GB of memory."


def test_a_7b_model_fits_16_gb_of_memory(shipped: Catalog) -> None:
    verdict = judge_fit(shipped_entry(shipped, "qwen2.5-vl-7b-instruct"), DESKTOP_16GB)
    assert verdict.fit is Fit.GOOD and verdict.where == "memory"
    assert verdict.sentence == "Needs about 6.0 GB; fits in this machine's 16 GB of memory."


def test_a_model_that_fits_the_gpu_runs_there(shipped: Catalog) -> None:
    verdict = judge_fit(shipped_entry(shipped, "qwen2.5-vl-7b-instruct"), GPU_8GB)
    assert verdict.fit is Fit.GOOD and verdict.where == "GPU"
    assert verdict.sentence == ("Needs about 6.0 GB; fits in the GPU's 8 GB "
                                "(NVIDIA GeForce RTX 4060).")


def test_a_model_too_big_for_the_gpu_falls_back_to_memory() -> None:
    big = entry(size=7 * GiB, kv=0)  # needs about 7.8 GB: more than 85 % of a 4 GB GPU
    verdict = judge_fit(big, machine(31.6, vram_gib=4, gpu="small GPU"))
    assert verdict.fit is Fit.GOOD and verdict.where == "memory"
    assert "32 GB of memory" in verdict.sentence


def test_a_tight_gpu_is_preferred_over_tight_memory() -> None:
    model = entry(size=int(6.4 * GiB), kv=0)  # about 7.1 GB: 89 % of an 8 GB GPU
    verdict = judge_fit(model, machine(8, vram_gib=8, gpu="RTX"))
    assert verdict.fit is Fit.TIGHT and verdict.where == "GPU"
    assert verdict.sentence.startswith("Tight: needs about 7.1 GB of the GPU's 8 GB (RTX)")


def test_unknown_memory_is_a_good_fit_that_says_so(shipped: Catalog) -> None:
    verdict = judge_fit(shipped_entry(shipped, "qwen2.5-7b-instruct"), UNKNOWN)
    assert verdict.fit is Fit.GOOD
    assert "memory is unknown" in verdict.sentence
    assert verdict.sentence.startswith("Needs about 5.1 GB of memory")


def test_a_download_larger_than_the_free_disk_is_too_big(shipped: Catalog) -> None:
    gemma = shipped_entry(shipped, "gemma-3-4b-it")
    verdict = judge_fit(gemma, FULL_DISK)
    assert verdict.fit is Fit.TOO_BIG
    assert verdict.sentence == ("Not enough disk space: the 3.3 GB download does not fit in the "
                                "315 MB free where models are kept; free some space first.")
    # What is already downloaded (a paused .part) is not counted again.
    resumed = judge_fit(gemma, FULL_DISK, bytes_on_disk=gemma.download_bytes - 200 * MiB)
    assert resumed.fit is Fit.GOOD


def test_too_little_memory_is_said_before_too_little_disk(shipped: Catalog) -> None:
    tiny_and_full = machine(3.8, disk=0)
    verdict = judge_fit(shipped_entry(shipped, "qwen2.5-vl-7b-instruct"), tiny_and_full)
    assert verdict.fit is Fit.TOO_BIG and verdict.sentence.startswith("Too big: needs about")


def test_every_sentence_is_one_sentence(shipped: Catalog) -> None:
    for m in (LAPTOP_4GB, DESKTOP_16GB, GPU_8GB, UNKNOWN, FULL_DISK):
        for e in shipped.entries:
            sentence = judge_fit(e, m).sentence
            assert sentence.endswith(".") and sentence.count(". ") == 0, sentence


# --- recommendations ----------------------------------------------------------------------


def _ids(r: machine_fit.Recommendation) -> tuple[str | None, str | None]:
    return (r.vision.id if r.vision else None, r.speech.id if r.speech else None)


def test_recommendations_for_a_4_gb_laptop(shipped: Catalog) -> None:
    assert _ids(recommend(shipped, LAPTOP_4GB)) == ("smolvlm-2.2b-instruct", "whisper-base")


def test_recommendations_for_16_gb_of_memory_without_a_gpu_stay_quick_on_the_cpu(
        shipped: Catalog) -> None:
    # Qwen2.5-VL 7B fits in 16 GB but answers at a few words a second on a CPU.
    assert _ids(recommend(shipped, DESKTOP_16GB)) == ("gemma-3-4b-it", "whisper-small")


def test_recommendations_for_an_8_gb_gpu(shipped: Catalog) -> None:
    assert _ids(recommend(shipped, GPU_8GB)) == ("qwen2.5-vl-7b-instruct", "whisper-turbo")


def test_recommendations_when_memory_is_unknown_are_modest(shipped: Catalog) -> None:
    # As for an ordinary "8 GB" machine, not the largest model in the catalog.
    assert _ids(recommend(shipped, UNKNOWN)) == ("gemma-3-4b-it", "whisper-base")


def test_english_only_picks_the_en_model_of_the_same_size(shipped: Catalog) -> None:
    assert _ids(recommend(shipped, LAPTOP_4GB, english_only=True))[1] == "whisper-base.en"
    assert _ids(recommend(shipped, GPU_8GB, english_only=True))[1] == "whisper-turbo"


def test_only_tight_models_recommend_the_smallest_and_nothing_fits_gives_none(
        shipped: Catalog) -> None:
    tiny = machine(0.5)
    assert _ids(recommend(shipped, tiny)) == ("smolvlm-256m-instruct", None)
    assert _ids(recommend(shipped, machine(0.25))) == (None, None)
    # 300 MiB of free disk: only the downloads that fit there are offered.
    assert _ids(recommend(shipped, FULL_DISK)) == ("smolvlm-256m-instruct", "whisper-base")


# --- probing ------------------------------------------------------------------------------


def test_probe_machine_on_this_machine_is_plausible(tmp_path: Path) -> None:
    found = probe_machine(tmp_path / "not" / "yet" / "models")
    assert found.total_ram_bytes is not None
    assert 256 * MiB < found.total_ram_bytes < 64 * 2**40
    assert found.available_ram_bytes is not None
    assert 0 < found.available_ram_bytes <= found.total_ram_bytes
    assert found.free_disk_bytes is not None and found.free_disk_bytes > 0
    assert (found.vram_bytes is None) == (found.gpu_name is None)
    assert found.vram_bytes is None or found.vram_bytes >= 256 * MiB


def _fake_nvidia_smi(folder: Path, body: str) -> None:
    script = folder / "nvidia-smi"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_probe_reads_the_largest_nvidia_gpu(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_nvidia_smi(tmp_path, "echo 'NVIDIA GeForce RTX 3060, 12288'\n"
                               "echo 'NVIDIA A100-SXM4-80GB, 81920'")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    found = probe_machine(tmp_path)
    assert found.gpu_name == "NVIDIA A100-SXM4-80GB"
    assert found.vram_bytes == 81920 * MiB


def test_a_hanging_nvidia_smi_does_not_hang_the_probe(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_nvidia_smi(tmp_path, "sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(machine_fit, "_NVIDIA_SMI_TIMEOUT_S", 0.3)
    monkeypatch.setattr(machine_fit, "_amd_gpu", lambda: None)
    started = time.monotonic()
    found = probe_machine(tmp_path)
    assert time.monotonic() - started < 5
    assert found.vram_bytes is None and found.gpu_name is None
    assert found.total_ram_bytes is not None


def test_nvidia_smi_output_that_makes_no_sense_is_no_gpu() -> None:
    assert parse_nvidia_smi("") is None
    assert parse_nvidia_smi("No devices were found\n") is None
    assert parse_nvidia_smi("Tesla T4, [N/A]\nTesla T4, 15360\n") == ("Tesla T4", 15360 * MiB)


def test_an_amd_gpu_is_read_from_sysfs(tmp_path: Path) -> None:
    for card, vram, name in (("card0", 512 * MiB, None), ("card1", 16 * GiB, "Radeon RX 7800")):
        device = tmp_path / card / "device"
        device.mkdir(parents=True)
        (device / "mem_info_vram_total").write_text(f"{vram}\n")
        if name:
            (device / "product_name").write_text(name + "\n")
    assert machine_fit._amd_gpu(tmp_path) == ("Radeon RX 7800", 16 * GiB)
    assert machine_fit._amd_gpu(tmp_path / "nothing") is None
