"""The download manager against a fake hub on 127.0.0.1: several files per model, retries,
pause and resume across a restart, cancel, offline mode, and no unverified file offered."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.client.download_manager import DownloadManager
from assistant.core.settings import NetworkSettings
from assistant.models.catalog import Catalog, CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.download import part_path
from assistant.models.download_jobs import DownloadJob, JobState
from tests.support.fake_hub import FakeHub

REPO = "org/Tiny-VL-GGUF"
MODEL = "tiny-vl-Q8_0.gguf"
PROJECTOR = "mmproj-tiny-vl-f16.gguf"
WAIT_MS = 20_000


def gguf_bytes(size: int, seed: int) -> bytes:
    return b"GGUF" + random.Random(seed).randbytes(size - 4)


MODEL_DATA = gguf_bytes(300_000, 1)
PROJECTOR_DATA = gguf_bytes(120_000, 2)


def vision_entry(model_size: int = len(MODEL_DATA)) -> CatalogEntry:
    return CatalogEntry(
        id="tiny-vl", name="Tiny VL", kind=ModelKind.VISION, family="llava",
        parameters=1_000_000, quantization="Q8_0", license="MIT",
        files=(CatalogFile(FileRole.MODEL, MODEL, model_size, repo=REPO),
               CatalogFile(FileRole.MMPROJ, PROJECTOR, len(PROJECTOR_DATA), repo=REPO)),
        min_ram_bytes=1, context_length=2048, kv_bytes_per_token=16)



class Network:
    """The settings the manager reads (a plain callable, like SettingsStore's)."""

    def __init__(self, hub: FakeHub) -> None:
        self.settings = NetworkSettings(hub_endpoint=hub.base_url)

    def __call__(self) -> NetworkSettings:
        return self.settings


def make_manager(tmp_path: Path, hub: FakeHub, entry: CatalogEntry | None = None,
                 network: Network | None = None) -> DownloadManager:
    return DownloadManager(tmp_path / "downloads.json", tmp_path / "models",
                           Catalog((entry or vision_entry(),)), network or Network(hub),
                           stall_timeout_s=5.0, retry_delays_s=(0.05, 0.05))


def serve(hub: FakeHub, **model_faults: object) -> None:
    hub.add_file(REPO, MODEL, MODEL_DATA, **model_faults)
    hub.add_file(REPO, PROJECTOR, PROJECTOR_DATA)


def destinations(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "models" / "tiny-vl"
    return folder / MODEL, folder / PROJECTOR


def test_a_vision_model_arrives_with_its_projector_verified_and_progress_in_order(
        qtbot: QtBot, hub: FakeHub, tmp_path: Path) -> None:
    serve(hub)
    manager = make_manager(tmp_path, hub)
    seen: list[DownloadJob] = []
    manager.jobChanged.connect(seen.append)
    with qtbot.waitSignal(manager.modelReady, timeout=WAIT_MS) as ready:
        assert manager.start(vision_entry()) is None
    model, projector = destinations(tmp_path)
    assert model.read_bytes() == MODEL_DATA and projector.read_bytes() == PROJECTOR_DATA
    assert not part_path(model).exists() and not part_path(projector).exists()
    assert ready.args[0].state is JobState.DONE
    running = [job.done_bytes for job in seen if job.state is JobState.RUNNING]
    assert running == sorted(running)  # progress never goes backwards
    assert seen[-1].state is JobState.DONE
    assert seen[-1].done_bytes == seen[-1].total_bytes == len(MODEL_DATA) + len(PROJECTOR_DATA)
    manager.shutdown()
    assert make_manager(tmp_path, hub).jobs() == []  # a finished job is not resumed


def test_a_dropped_connection_is_retried_from_where_it_stopped(
        qtbot: QtBot, hub: FakeHub, tmp_path: Path) -> None:
    serve(hub, drop_after=100_000)
    manager = make_manager(tmp_path, hub)
    with qtbot.waitSignal(manager.modelReady, timeout=WAIT_MS):
        manager.start(vision_entry())
    model, _projector = destinations(tmp_path)
    assert hashlib.sha256(model.read_bytes()).hexdigest() == \
        hashlib.sha256(MODEL_DATA).hexdigest()
    ranges = [r.range for r in hub.requests if r.path.startswith("/cdn/") and r.range]
    assert any(r.startswith("bytes=") and not r.startswith("bytes=0-") for r in ranges)


def test_wrong_bytes_fail_for_good_and_leave_nothing_that_looks_ready(
        qtbot: QtBot, hub: FakeHub, tmp_path: Path) -> None:
    serve(hub, wrong_bytes=True)
    manager = make_manager(tmp_path, hub)
    manager.start(vision_entry())
    qtbot.waitUntil(lambda: manager.job("tiny-vl").state is JobState.FAILED, timeout=WAIT_MS)
    job = manager.job("tiny-vl")
    assert "checksum" in job.error.lower() or "damaged" in job.error.lower()
    assert not job.retryable
    model, projector = destinations(tmp_path)
    assert not model.exists() and not part_path(model).exists() and not projector.exists()
    manager.dismiss("tiny-vl")
    assert manager.jobs() == []


@pytest.mark.parametrize(("fault", "words"), [
    ({"status": 404}, "not found"),
    ({"html_200": True}, "web page"),
])
def test_a_missing_file_or_a_web_page_is_a_sentence(
        qtbot: QtBot, hub: FakeHub, tmp_path: Path, fault: dict, words: str) -> None:
    serve(hub, **fault)
    manager = make_manager(tmp_path, hub)
    manager.start(vision_entry())
    qtbot.waitUntil(lambda: manager.job("tiny-vl").state is JobState.FAILED, timeout=WAIT_MS)
    assert words in manager.job("tiny-vl").error
    assert not any(p.is_file() for p in (tmp_path / "models").rglob("*.gguf"))


def test_pause_keeps_the_part_and_a_restarted_app_resumes_it(
        qtbot: QtBot, hub: FakeHub, tmp_path: Path) -> None:
    serve(hub, bytes_per_second=150_000)
    manager = make_manager(tmp_path, hub)
    manager.start(vision_entry())
    model, _projector = destinations(tmp_path)
    qtbot.waitUntil(lambda: manager.job("tiny-vl").done_bytes > 50_000, timeout=WAIT_MS)
    manager.pause("tiny-vl")
    assert manager.job("tiny-vl").state is JobState.PAUSED
    manager.shutdown()
    kept = part_path(model).stat().st_size
    assert 0 < kept < len(MODEL_DATA)

    hub.add_file(REPO, MODEL, MODEL_DATA)  # full speed now
    hub.clear_requests()
    restarted = make_manager(tmp_path, hub)
    job = restarted.job("tiny-vl")
    assert job is not None and job.state is JobState.PAUSED
    assert job.done_bytes == kept  # shown from the part on disk before anything is fetched
    restarted.resume_saved()
    assert restarted.job("tiny-vl").state is JobState.PAUSED  # paused stays paused
    with qtbot.waitSignal(restarted.modelReady, timeout=WAIT_MS):
        assert restarted.resume("tiny-vl") is None
    assert model.read_bytes() == MODEL_DATA
    assert f"bytes={kept}-" in [r.range for r in hub.requests]


def test_a_download_running_when_the_app_closed_resumes_at_the_next_start(
        qtbot: QtBot, hub: FakeHub, tmp_path: Path) -> None:
    serve(hub, bytes_per_second=150_000)
    manager = make_manager(tmp_path, hub)
    manager.start(vision_entry())
    qtbot.waitUntil(lambda: manager.job("tiny-vl").done_bytes > 30_000, timeout=WAIT_MS)
    manager.shutdown()
    hub.add_file(REPO, MODEL, MODEL_DATA)
    restarted = make_manager(tmp_path, hub)
    with qtbot.waitSignal(restarted.modelReady, timeout=WAIT_MS):
        restarted.resume_saved()
    assert destinations(tmp_path)[0].read_bytes() == MODEL_DATA


def test_cancel_deletes_what_was_fetched(qtbot: QtBot, hub: FakeHub, tmp_path: Path) -> None:
    serve(hub, bytes_per_second=100_000)
    manager = make_manager(tmp_path, hub)
    manager.start(vision_entry())
    model, _projector = destinations(tmp_path)
    qtbot.waitUntil(lambda: part_path(model).exists() and part_path(model).stat().st_size > 0,
                    timeout=WAIT_MS)
    manager.cancel("tiny-vl")
    assert manager.jobs() == []
    qtbot.waitUntil(lambda: not part_path(model).exists(), timeout=WAIT_MS)
    manager.shutdown()
    assert [p for p in (tmp_path / "models").rglob("*") if p.is_file()] == []
    assert make_manager(tmp_path, hub).jobs() == []


def test_offline_mode_downloads_nothing_and_pauses_what_runs(
        qtbot: QtBot, hub: FakeHub, tmp_path: Path) -> None:
    serve(hub, bytes_per_second=100_000)
    network = Network(hub)
    manager = make_manager(tmp_path, hub, network=network)
    manager.start(vision_entry())
    qtbot.waitUntil(lambda: manager.job("tiny-vl").done_bytes > 0, timeout=WAIT_MS)
    network.settings = NetworkSettings(hub_endpoint=hub.base_url, offline=True)
    manager.go_offline()
    assert manager.job("tiny-vl").state is JobState.PAUSED
    manager.shutdown()
    hub.clear_requests()
    sentence = manager.resume("tiny-vl")
    assert sentence is not None and "Offline mode is on" in sentence
    manager.cancel("tiny-vl")
    assert "Offline mode is on" in (manager.start(vision_entry()) or "")
    assert hub.requests == []


def test_a_model_bigger_than_the_free_disk_does_not_start(
        hub: FakeHub, tmp_path: Path) -> None:
    huge = vision_entry(model_size=10**17)
    manager = make_manager(tmp_path, hub, entry=huge)
    sentence = manager.start(huge)
    assert sentence is not None and "free" in sentence
    assert manager.jobs() == [] and hub.requests == []
