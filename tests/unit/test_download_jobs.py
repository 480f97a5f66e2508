"""Download jobs: what their row says, and the record that survives a restart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.models.catalog import CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.download_jobs import (
    DownloadJob,
    JobRecord,
    JobState,
    format_duration,
    load_job_record,
    new_job,
)


def _vision_entry() -> CatalogEntry:
    return CatalogEntry(
        id="tiny-vision", name="Tiny Vision", kind=ModelKind.VISION, family="llava",
        parameters=1_000_000, quantization="F16", license="MIT",
        files=(CatalogFile(FileRole.MODEL, "tiny.gguf", 3_000_000, repo="o/tiny"),
               CatalogFile(FileRole.MMPROJ, "mmproj-tiny.gguf", 400_000, repo="o/tiny")),
        min_ram_bytes=1, context_length=2048, kv_bytes_per_token=16)


def test_a_vision_job_downloads_its_model_then_its_projector_into_one_folder(tmp_path: Path):
    job = new_job(_vision_entry(), tmp_path)
    assert [Path(d) for d in job.destinations] == [
        tmp_path / "tiny-vision" / "tiny.gguf", tmp_path / "tiny-vision" / "mmproj-tiny.gguf"]
    assert job.total_bytes == 3_400_000
    assert job.state is JobState.QUEUED


def test_the_row_says_amount_speed_and_time_left():
    job = DownloadJob("x", "X", ModelKind.CHAT, ("a",), 3_400_000_000, JobState.RUNNING,
                      done_bytes=1_200_000_000, bytes_per_second=12e6, eta_s=190)
    assert job.status_line() == "1.2 GB of 3.4 GB · 12 MB/s · 3 min left"
    assert job.fraction == 1_200_000_000 / 3_400_000_000
    assert replace(job, state=JobState.PAUSED).status_line() == "Paused · 1.2 GB of 3.4 GB"
    failed = replace(job, state=JobState.FAILED, error="The server went away.")
    assert failed.status_line() == "The server went away."
    assert replace(job, verifying=True, current_file="a.gguf").status_line() == \
        "Checking a.gguf…"


def test_durations_read_naturally():
    assert format_duration(0.2) == "1 s"
    assert format_duration(42) == "42 s"
    assert format_duration(190) == "3 min"
    assert format_duration(3900) == "1 h 05 min"


def test_unfinished_jobs_survive_a_restart_and_finished_ones_do_not(tmp_path: Path):
    record_path = tmp_path / "downloads.json"
    running = replace(new_job(_vision_entry(), tmp_path), state=JobState.RUNNING,
                      done_bytes=10, bytes_per_second=5.0)
    done = replace(running, entry_id="done", state=JobState.DONE)
    failed = replace(running, entry_id="failed", state=JobState.FAILED,
                     error="Checksum wrong.", retryable=False)
    JobRecord(record_path, [running, done, failed]).save()
    loaded = load_job_record(record_path).jobs
    assert [job.entry_id for job in loaded] == ["tiny-vision", "failed"]
    assert loaded[0].state is JobState.RUNNING
    assert loaded[0].bytes_per_second == 0.0  # transient numbers are not remembered
    assert loaded[1].error == "Checksum wrong." and not loaded[1].retryable


def test_a_damaged_record_is_an_empty_one(tmp_path: Path):
    record_path = tmp_path / "downloads.json"
    record_path.write_text("{not json")
    assert load_job_record(record_path).jobs == []
    record_path.write_text('{"jobs": [{"entry_id": "x"}, 7]}')
    assert load_job_record(record_path).jobs == []
    assert load_job_record(tmp_path / "missing.json").jobs == []
