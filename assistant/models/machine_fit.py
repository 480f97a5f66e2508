"""Will a catalog model run well on this machine? Memory, GPU and disk, before downloading.

``probe_machine`` reads what the machine has (standard library only, never raises);
``estimate_entry_memory`` says what an entry needs; ``judge_fit`` turns the two into a verdict
with one sentence for the Models window; ``recommend`` picks a first vision and speech model.

The memory estimate (documented here because the thresholds below depend on it):

- GGUF models (llama.cpp): model file + mmproj file (weights are mapped as they are on disk)
  + the f16 KV cache, ``kv_bytes_per_token × min(n_ctx, context_length)``
  + compute buffers and runtime, about 10 % of the weights + 64 MiB.
- Whisper checkpoints (torch): stored in fp16; on a CPU the engine runs them in fp32, so
  2 × the file + 300 MiB (torch runtime, mel and decoder activations); on a CUDA GPU they stay
  fp16: 1 × the file + 300 MiB.

Verdicts: the GPU is used when the whole model fits in the largest GPU's VRAM with room to
spare (≤ 85 % of it: the CUDA context and the desktop use the rest); otherwise system memory,
where GOOD is ≤ 70 % of the machine's total memory (the system and other programs need the
rest), TIGHT ≤ 95 %, and above that TOO_BIG. A model that only fits the GPU tightly
(≤ 95 %) is TIGHT on the GPU unless it fits memory comfortably. Unknown memory is GOOD with a
sentence saying so. Whatever the memory says, a download larger than the free disk space is
TOO_BIG.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from assistant.core.hardware import available_memory_bytes
from assistant.core.i18n import translate
from assistant.models.catalog import Catalog, CatalogEntry, ModelKind
from assistant.models.gguf_inspect import format_bytes

MiB = 1 << 20
GiB = 1 << 30

GPU_GOOD_SHARE = 0.85
GPU_TIGHT_SHARE = 0.95
MEMORY_GOOD_SHARE = 0.70
MEMORY_TIGHT_SHARE = 0.95

_COMPUTE_SHARE = 0.10  # llama.cpp compute buffers, as a share of the weights
_COMPUTE_FIXED = 64 * MiB
_WHISPER_RUNTIME = 300 * MiB
_NVIDIA_SMI_TIMEOUT_S = 2.0

T = TypeVar("T")


@dataclass(frozen=True)
class MachineResources:
    """What this machine has for models; None where it could not be found out."""

    total_ram_bytes: int | None
    available_ram_bytes: int | None
    vram_bytes: int | None  # total VRAM of the largest GPU, None when no GPU was found
    gpu_name: str | None
    free_disk_bytes: int | None  # free space where models are kept


# --- probing ------------------------------------------------------------------------------


def probe_machine(models_dir: Path) -> MachineResources:
    """Memory, the largest GPU and free disk space of this machine. Never raises."""
    gpu = _probe_gpu()
    return MachineResources(
        total_ram_bytes=_guard(_total_ram_bytes),
        available_ram_bytes=_guard(available_memory_bytes),
        vram_bytes=gpu[1] if gpu else None,
        gpu_name=gpu[0] if gpu else None,
        free_disk_bytes=_guard(lambda: _free_disk_bytes(models_dir)),
    )


def _guard(probe: Callable[[], T | None]) -> T | None:
    try:
        return probe()
    except Exception:  # a probe must never stop the Models window from opening
        return None


def _total_ram_bytes() -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    if sys.platform == "darwin":
        with contextlib.suppress(OSError, ValueError, subprocess.SubprocessError):
            out = subprocess.run(["sysctl", "-n", "hw.memsize"], capture_output=True,
                                 text=True, timeout=2, check=False).stdout.strip()
            if out.isdigit():
                return int(out)
    if sys.platform == "win32":
        return _windows_total_ram()
    with contextlib.suppress(ValueError, OSError, AttributeError):
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return None


def _windows_total_ram() -> int | None:
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        return int(status.ullTotalPhys)
    return None


def _probe_gpu() -> tuple[str, int] | None:
    """(name, VRAM bytes) of the GPU with the most VRAM: NVIDIA via nvidia-smi, else AMD."""
    return _guard(_nvidia_gpu) or _guard(_amd_gpu)


def _nvidia_gpu() -> tuple[str, int] | None:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=_NVIDIA_SMI_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_nvidia_smi(out.stdout) if out.returncode == 0 else None


def parse_nvidia_smi(text: str) -> tuple[str, int] | None:
    """The largest GPU in ``nvidia-smi --query-gpu=name,memory.total`` CSV output (MiB)."""
    best: tuple[str, int] | None = None
    for line in text.splitlines():
        name, _, mebibytes = line.rpartition(",")
        try:
            vram = int(float(mebibytes.strip())) * MiB
        except ValueError:
            continue
        if vram > 0 and (best is None or vram > best[1]):
            best = (name.strip() or "NVIDIA GPU", vram)
    return best


def _amd_gpu(drm_root: Path = Path("/sys/class/drm")) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for total_file in sorted(drm_root.glob("card*/device/mem_info_vram_total")):
        try:
            vram = int(total_file.read_text().strip())
        except (OSError, ValueError):
            continue
        name = "AMD GPU"
        with contextlib.suppress(OSError):
            name = (total_file.parent / "product_name").read_text().strip() or name
        if vram > 0 and (best is None or vram > best[1]):
            best = (name, vram)
    return best


def _free_disk_bytes(models_dir: Path) -> int | None:
    """Free space on the disk that holds (or will hold) ``models_dir``."""
    folder = models_dir.expanduser().absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


# --- estimating ---------------------------------------------------------------------------


def estimate_entry_memory(entry: CatalogEntry, n_ctx: int = 4096, *,
                          on_gpu: bool = False) -> int:
    """Bytes of memory (or VRAM, ``on_gpu``) the entry needs with ``n_ctx`` tokens of context.

    See the module docstring for the formula.
    """
    weights = entry.download_bytes
    if entry.kind is ModelKind.SPEECH:
        return (1 if on_gpu else 2) * weights + _WHISPER_RUNTIME
    kv_cache = entry.kv_bytes_per_token * max(0, min(n_ctx, entry.context_length))
    return weights + kv_cache + int(weights * _COMPUTE_SHARE) + _COMPUTE_FIXED


# --- judging ------------------------------------------------------------------------------


class Fit(StrEnum):
    GOOD = "good"
    TIGHT = "tight"
    TOO_BIG = "too big"


@dataclass(frozen=True)
class FitVerdict:
    fit: Fit
    needed_bytes: int  # memory (or VRAM) the entry needs where it would run
    where: str  # "GPU" or "memory"
    sentence: str  # one sentence for the person


def judge_fit(entry: CatalogEntry, machine: MachineResources, n_ctx: int = 4096, *,
              bytes_on_disk: int = 0) -> FitVerdict:
    """How well ``entry`` would run here (thresholds in the module docstring).

    ``bytes_on_disk``: bytes of this entry already downloaded (files or ``.part``), which the
    free-disk check does not count again.
    """
    verdict = _memory_verdict(entry, machine, n_ctx)
    still_to_download = max(0, entry.download_bytes - bytes_on_disk)
    free = machine.free_disk_bytes
    if verdict.fit is not Fit.TOO_BIG and free is not None and still_to_download > free:
        return FitVerdict(
            Fit.TOO_BIG, verdict.needed_bytes, verdict.where,
            translate("MachineFit", "Not enough disk space: the {download} download does not "
                      "fit in the {free} free where models are kept; free some space first.")
            .format(download=format_bytes(still_to_download), free=format_bytes(free)))
    return verdict


def _memory_verdict(entry: CatalogEntry, machine: MachineResources, n_ctx: int) -> FitVerdict:
    memory_need = estimate_entry_memory(entry, n_ctx)
    vram = machine.vram_bytes
    gpu_need = 0
    gpu_sizes: dict[str, str] = {}
    if vram:
        gpu_need = estimate_entry_memory(entry, n_ctx, on_gpu=True)
        gpu_sizes = {"need": _need_size(gpu_need), "vram": _machine_size(vram),
                     "gpu": machine.gpu_name}
        if gpu_need <= GPU_GOOD_SHARE * vram:
            sentence = (translate("MachineFit", "Needs about {need}; fits in the GPU's {vram} "
                                  "({gpu}).") if machine.gpu_name
                        else translate("MachineFit", "Needs about {need}; fits in the GPU's "
                                       "{vram}."))
            return FitVerdict(Fit.GOOD, gpu_need, "GPU", sentence.format(**gpu_sizes))
    total = _memory_budget(machine)
    if total is None:
        return FitVerdict(Fit.GOOD, memory_need, "memory",
                          translate("MachineFit", "Needs about {need} of memory; this "
                                    "machine's memory is unknown, so check that it has that "
                                    "much.").format(need=_need_size(memory_need)))
    sizes = {"need": _need_size(memory_need), "memory": _machine_size(total)}
    if memory_need <= MEMORY_GOOD_SHARE * total:
        return FitVerdict(Fit.GOOD, memory_need, "memory",
                          translate("MachineFit", "Needs about {need}; fits in this "
                                    "machine's {memory} of memory.").format(**sizes))
    if vram and gpu_need <= GPU_TIGHT_SHARE * vram:
        sentence = (translate("MachineFit", "Tight: needs about {need} of the GPU's {vram} "
                              "({gpu}); close other programs that use the GPU first.")
                    if machine.gpu_name
                    else translate("MachineFit", "Tight: needs about {need} of the GPU's "
                                   "{vram}; close other programs that use the GPU first."))
        return FitVerdict(Fit.TIGHT, gpu_need, "GPU", sentence.format(**gpu_sizes))
    if memory_need <= MEMORY_TIGHT_SHARE * total:
        return FitVerdict(Fit.TIGHT, memory_need, "memory",
                          translate("MachineFit", "Tight: needs about {need} of this "
                                    "machine's {memory} of memory; close other programs "
                                    "before using it.").format(**sizes))
    return FitVerdict(Fit.TOO_BIG, memory_need, "memory",
                      translate("MachineFit", "Too big: needs about {need}, this machine has "
                                "{memory} of memory.").format(**sizes))


def _memory_budget(machine: MachineResources) -> int | None:
    """The memory a model may use a share of: the total, else what is available now."""
    if machine.total_ram_bytes is not None:
        return machine.total_ram_bytes
    return machine.available_ram_bytes


def _need_size(n: int) -> str:
    """Memory in the GB that system monitors show (GiB), one decimal: "3.1 GB"."""
    return f"{n / GiB:.1f} GB" if n >= GiB // 10 else f"{max(1, round(n / MiB))} MB"


def _machine_size(n: int) -> str:
    """A machine's memory as people name it: 15.6 GiB of MemTotal is "16 GB"."""
    return f"{round(n / GiB)} GB" if n >= 2 * GiB else _need_size(n)


# --- recommending -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    vision: CatalogEntry | None
    speech: CatalogEntry | None


SPEECH_PREFERENCE = ("turbo", "small", "base", "tiny")
SMALL_SPEECH_MIN_RAM = 16 * GiB - GiB // 2  # "16 GB" machines report a little under 16 GiB
ASSUMED_RAM_WHEN_UNKNOWN = 8 * GiB - GiB // 2  # an ordinary "8 GB" machine


def recommend(catalog: Catalog, machine: MachineResources, n_ctx: int = 4096, *,
              english_only: bool = False) -> Recommendation:
    """A first vision model and a first speech model for this machine.

    Vision: the largest (by memory needed) vision entry whose fit is GOOD, else the smallest
    TIGHT one, else None. Without a GPU, models over CPU_VISION_MAX_PARAMETERS are left
    out (a 7B model answers at a few words a second on an ordinary CPU) unless nothing else
    fits.

    Speech (multilingual unless ``english_only``, which picks the ``.en`` model of the same
    size where one exists): turbo when it fits the GPU comfortably (it is too slow on a CPU
    for talking to an assistant); otherwise small on machines with 16 GB of memory or more,
    else base, else tiny — the first of those whose fit is GOOD; None when none is.

    When neither the memory nor a GPU could be found out, recommendations assume an ordinary
    8 GB machine rather than an unlimited one.
    """
    if machine.vram_bytes is None and _memory_budget(machine) is None:
        machine = replace(machine, total_ram_bytes=ASSUMED_RAM_WHEN_UNKNOWN)
    return Recommendation(vision=_recommend_vision(catalog, machine, n_ctx),
                          speech=_recommend_speech(catalog, machine, english_only))


CPU_VISION_MAX_PARAMETERS = 4_500_000_000  # Gemma 3 4B: the largest comfortable on a CPU


def _recommend_vision(catalog: Catalog, machine: MachineResources,
                      n_ctx: int) -> CatalogEntry | None:
    judged = [(estimate_entry_memory(e, n_ctx), judge_fit(e, machine, n_ctx), e)
              for e in catalog.of_kind(ModelKind.VISION)]
    good = [(need, e) for need, verdict, e in judged if verdict.fit is Fit.GOOD
            and (verdict.where == "GPU" or e.parameters <= CPU_VISION_MAX_PARAMETERS)]
    good = good or [(need, e) for need, verdict, e in judged if verdict.fit is Fit.GOOD]
    if good:
        return max(good, key=lambda pair: pair[0])[1]
    tight = [(need, e) for need, verdict, e in judged if verdict.fit is Fit.TIGHT]
    return min(tight, key=lambda pair: pair[0])[1] if tight else None


def _recommend_speech(catalog: Catalog, machine: MachineResources,
                      english_only: bool) -> CatalogEntry | None:
    by_name = {e.speech_name: e for e in catalog.of_kind(ModelKind.SPEECH)}
    total = _memory_budget(machine)
    for size in SPEECH_PREFERENCE:
        entry = by_name.get(f"{size}.en") if english_only else None
        entry = entry or by_name.get(size)
        if entry is None:
            continue
        verdict = judge_fit(entry, machine)
        if verdict.fit is not Fit.GOOD:
            continue
        if size == "turbo" and verdict.where != "GPU":
            continue
        if size == "small" and (total is None or total < SMALL_SPEECH_MIN_RAM):
            continue
        return entry
    return None


@dataclass(frozen=True)
class MachineAssessment:
    """This machine, and how each catalog entry fits it."""

    machine: MachineResources
    verdicts: dict[str, FitVerdict]
    recommendation: Recommendation
    summary: str


def assess_machine(catalog: Catalog, models_dir: Path, n_ctx: int) -> MachineAssessment:
    """Probe this machine and judge every catalog entry (runs nvidia-smi: for a pool thread)."""
    machine = probe_machine(models_dir)
    verdicts = {entry.id: judge_fit(entry, machine, n_ctx) for entry in catalog.entries}
    return MachineAssessment(machine, verdicts, recommend(catalog, machine, n_ctx),
                             machine_summary(machine))


def machine_summary(machine: MachineResources) -> str:
    """"This computer: 16 GB memory · NVIDIA RTX 4070 (12 GB) · 120 GB free for models"."""
    parts = [translate("MachineFit", "{size} memory").format(
                 size=format_bytes(machine.total_ram_bytes)) if machine.total_ram_bytes
             else translate("MachineFit", "memory unknown")]
    if machine.vram_bytes:
        parts.append(translate("MachineFit", "{gpu} ({size})").format(
            gpu=machine.gpu_name or translate("MachineFit", "GPU"),
            size=format_bytes(machine.vram_bytes)))
    else:
        parts.append(translate("MachineFit", "no GPU found"))
    if machine.free_disk_bytes is not None:
        parts.append(translate("MachineFit", "{size} free for models").format(
            size=format_bytes(machine.free_disk_bytes)))
    return translate("MachineFit", "This computer: {parts}").format(parts=" · ".join(parts))


__all__ = [
    "Fit",
    "FitVerdict",
    "MachineAssessment",
    "MachineResources",
    "Recommendation",
    "assess_machine",
    "estimate_entry_memory",
    "judge_fit",
    "machine_summary",
    "parse_nvidia_smi",
    "probe_machine",
    "recommend",
]
