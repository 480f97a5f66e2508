"""Downloads against a fake hub on 127.0.0.1: resume, verification, faults, pause, cancel.

Every failing case also checks the promise that matters most: a file is at its destination
only when its checksum matched.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import threading
import time
from pathlib import Path

import pytest

from assistant.models import download
from assistant.models.catalog import CatalogFile, FileRole
from assistant.models.download import (
    DownloadControl,
    DownloadError,
    DownloadErrorKind,
    DownloadOutcome,
    DownloadProgress,
    DownloadTarget,
    check_free_space,
    discard_partial,
    download_file,
    fetch_file,
    part_path,
)
from assistant.models.hub import file_url, make_opener
from tests.support.fake_hub import LOGIN_PAGE, FakeHub, RecordingProxy

REPO = "org/model-GGUF"
NAME = "model-Q4_K_M.gguf"
SIZE = 96_000
PATIENT_S = 10.0  # the stall timeout of downloads that are not about stalls (a busy machine)
STALL_S = 0.4  # …and of those that are


def model_bytes(size: int = SIZE, seed: int = 1) -> bytes:
    return b"GGUF" + random.Random(seed).randbytes(size - 4)


DATA = model_bytes()
SHA = hashlib.sha256(DATA).hexdigest()


pytestmark = pytest.mark.usefixtures("no_proxy_env")


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "models" / "model" / NAME


class Progress:
    """Collects the progress reports of one download."""

    def __init__(self) -> None:
        self.reports: list[DownloadProgress] = []
        self.started = threading.Event()

    def __call__(self, report: DownloadProgress) -> None:
        self.reports.append(report)
        if report.stage == "downloading" and report.done_bytes > 0:
            self.started.set()

    @property
    def last(self) -> DownloadProgress:
        return self.reports[-1]


def catalog_file(**changes: object) -> CatalogFile:
    fields: dict[str, object] = {"repo": REPO, "size_bytes": SIZE} | changes
    return CatalogFile(FileRole.MODEL, NAME, **fields)  # type: ignore[arg-type]


def fetch(
    hub: FakeHub, dest: Path, file: CatalogFile | None = None, **kw: object
) -> tuple[DownloadOutcome, Progress]:
    progress = Progress()
    options: dict[str, object] = {"stall_timeout_s": PATIENT_S} | kw
    outcome = fetch_file(
        hub.base_url,
        file or catalog_file(),
        dest,
        DownloadControl(),
        progress,
        **options,  # type: ignore[arg-type]
    )
    return outcome, progress


def get(
    hub: FakeHub,
    dest: Path,
    *,
    data: bytes = DATA,
    control: DownloadControl | None = None,
    progress: Progress | None = None,
    url: str | None = None,
    **kw: object,
) -> DownloadOutcome:
    target = DownloadTarget(
        url or file_url(hub.base_url, REPO, NAME),
        dest,
        len(data),
        hashlib.sha256(data).hexdigest(),
        NAME,
    )
    options: dict[str, object] = {"stall_timeout_s": PATIENT_S, "chunk_bytes": 8192} | kw
    return download_file(
        target,
        control or DownloadControl(),
        progress or Progress(),
        **options,  # type: ignore[arg-type]
    )


def failure(call, *args, **kw) -> DownloadError:  # type: ignore[no-untyped-def]
    with pytest.raises(DownloadError) as caught:
        call(*args, **kw)
    sentence = str(caught.value)
    assert sentence.endswith(".") and "\n" not in sentence and "Traceback" not in sentence
    return caught.value


def body_requests(hub: FakeHub) -> list[str | None]:
    """The Range header of each request for the file's bytes."""
    return [r.range for r in hub.requests if r.path.startswith("/cdn/")]


def assert_nothing_kept(dest: Path) -> None:
    assert not dest.exists()
    assert not part_path(dest).exists()


# --- whole downloads ------------------------------------------------------------------------


def test_a_hub_file_downloads_checked_against_the_hubs_sha256(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA)
    outcome, progress = fetch(hub, dest)
    assert outcome is DownloadOutcome.DONE
    assert dest.read_bytes() == DATA
    assert sorted(p.name for p in dest.parent.iterdir()) == [NAME]  # no .part, no .etag
    done = [r.done_bytes for r in progress.reports]
    assert done == sorted(done)  # never backwards
    assert progress.reports[0].stage == "connecting"
    assert progress.last == DownloadProgress(
        SIZE, SIZE, progress.last.bytes_per_second, 0.0, "verifying"
    )
    assert all(r.total_bytes == SIZE for r in progress.reports)


def test_a_pinned_sha256_is_used_and_a_ready_file_is_not_fetched_again(
    hub: FakeHub, dest: Path
) -> None:
    hub.add_file(REPO, NAME, DATA)
    pinned = catalog_file(sha256=SHA, size_exact=True)
    assert fetch(hub, dest, pinned)[0] is DownloadOutcome.DONE
    hub.clear_requests()
    outcome, progress = fetch(hub, dest, pinned)
    assert outcome is DownloadOutcome.DONE
    assert hub.requests == []  # checked on disk, no network at all
    assert progress.last.done_bytes == SIZE


def test_a_pinned_sha256_the_hub_no_longer_offers_downloads_nothing(
    hub: FakeHub, dest: Path
) -> None:
    hub.add_file(REPO, NAME, DATA)
    error = failure(fetch, hub, dest, catalog_file(sha256="0" * 64))
    assert error.kind is DownloadErrorKind.CHECKSUM
    assert body_requests(hub) == []
    assert_nothing_kept(dest)


def test_a_pinned_exact_size_that_differs_from_the_hubs_is_refused(
    hub: FakeHub, dest: Path
) -> None:
    hub.add_file(REPO, NAME, DATA)
    error = failure(fetch, hub, dest, catalog_file(size_bytes=SIZE + 1, size_exact=True))
    assert error.kind is DownloadErrorKind.SIZE
    assert f"{SIZE:,}" in str(error) and body_requests(hub) == []
    assert_nothing_kept(dest)


def test_a_file_without_any_published_checksum_is_not_downloaded(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, lfs=False)
    error = failure(fetch, hub, dest)
    assert error.kind is DownloadErrorKind.UNVERIFIABLE and not error.retryable
    assert [r for r in hub.requests if r.method == "GET" and "resolve" in r.path] == []
    assert_nothing_kept(dest)


# --- resuming -------------------------------------------------------------------------------


def test_a_dropped_connection_keeps_the_part_and_resume_continues_it(
    hub: FakeHub, dest: Path
) -> None:
    hub.add_file(REPO, NAME, DATA, drop_after=40_000)
    error = failure(fetch, hub, dest)
    assert error.kind is DownloadErrorKind.NETWORK and error.retryable
    assert not dest.exists()
    assert part_path(dest).read_bytes() == DATA[:40_000]
    outcome, progress = fetch(hub, dest)
    assert outcome is DownloadOutcome.DONE
    assert dest.read_bytes() == DATA
    assert body_requests(hub) == [None, "bytes=40000-"]
    assert progress.reports[0].done_bytes == 0
    assert min(r.done_bytes for r in progress.reports[1:]) >= 40_000  # not from 0 again


def test_a_new_call_resumes_the_part_a_previous_run_left(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA)
    dest.parent.mkdir(parents=True)
    part_path(dest).write_bytes(DATA[:30_000])
    assert get(hub, dest) is DownloadOutcome.DONE
    assert dest.read_bytes() == DATA and not part_path(dest).exists()
    assert body_requests(hub) == ["bytes=30000-"]


def test_a_416_for_a_complete_part_goes_straight_to_verification(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA)
    dest.parent.mkdir(parents=True)
    part_path(dest).write_bytes(DATA)
    assert get(hub, dest) is DownloadOutcome.DONE
    assert dest.read_bytes() == DATA
    assert body_requests(hub) == [f"bytes={SIZE}-"]


def test_a_416_for_a_partial_part_starts_over_once(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, range_416=True)
    dest.parent.mkdir(parents=True)
    part_path(dest).write_bytes(DATA[:10_000])
    assert get(hub, dest) is DownloadOutcome.DONE
    assert dest.read_bytes() == DATA
    assert body_requests(hub) == ["bytes=10000-", None]


def test_a_server_that_ignores_range_is_followed_from_byte_zero(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, ignore_range=True)
    dest.parent.mkdir(parents=True)
    part_path(dest).write_bytes(DATA[:50_000])
    progress = Progress()
    assert get(hub, dest, progress=progress) is DownloadOutcome.DONE
    assert dest.read_bytes() == DATA
    done = [r.done_bytes for r in progress.reports]
    restart = done.index(0, 1)  # the announced restart from 0
    assert done[1] == 50_000 and done[restart:] == sorted(done[restart:])


def test_a_file_changed_on_the_server_is_not_spliced_onto_the_old_part(
    hub: FakeHub, dest: Path
) -> None:
    hub.add_file(REPO, NAME, DATA, drop_after=40_000)
    assert failure(fetch, hub, dest).kind is DownloadErrorKind.NETWORK
    new = model_bytes(seed=2)
    hub.add_file(REPO, NAME, new)  # re-uploaded under the same name
    assert fetch(hub, dest)[0] is DownloadOutcome.DONE
    assert dest.read_bytes() == new
    last = [r for r in hub.requests if r.path.startswith("/cdn/")][-1]
    assert last.range == "bytes=40000-" and last.if_range is not None  # answered with 200


# --- faults ---------------------------------------------------------------------------------


def test_a_login_page_instead_of_the_file_is_not_a_model(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, html_200=True)
    error = failure(fetch, hub, dest)
    assert error.kind is DownloadErrorKind.NOT_A_MODEL
    assert "web page" in str(error) and "sign in" in str(error)
    assert_nothing_kept(dest)


def test_bytes_that_cannot_begin_a_gguf_are_refused_even_with_the_right_checksum(
    hub: FakeHub, dest: Path
) -> None:
    hub.add_url("/files/model.gguf", LOGIN_PAGE)  # served as application/octet-stream
    error = failure(get, hub, dest, data=LOGIN_PAGE, url=hub.url("/files/model.gguf"))
    assert error.kind is DownloadErrorKind.NOT_A_MODEL
    assert_nothing_kept(dest)


def test_wrong_bytes_are_a_checksum_error_and_nothing_is_kept(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, b"GGUF" + DATA[4:], wrong_bytes=True)
    error = failure(fetch, hub, dest)
    assert error.kind is DownloadErrorKind.CHECKSUM and not error.retryable
    assert "damaged" in str(error) and NAME in str(error)
    assert_nothing_kept(dest)


def test_a_shorter_file_than_announced_is_a_size_error(hub: FakeHub, dest: Path) -> None:
    hub.add_url("/files/model.gguf", DATA[:90_000])
    target = DownloadTarget(hub.url("/files/model.gguf"), dest, SIZE, SHA, NAME)
    error = failure(download_file, target, DownloadControl(), Progress())
    assert error.kind is DownloadErrorKind.SIZE and "90,000" in str(error)
    assert_nothing_kept(dest)


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (404, DownloadErrorKind.NOT_FOUND, False),
        (503, DownloadErrorKind.SERVER, True),
        (403, DownloadErrorKind.SERVER, False),
    ],
)
def test_http_errors_are_sentences(
    hub: FakeHub, dest: Path, status: int, kind: DownloadErrorKind, retryable: bool
) -> None:
    hub.add_url("/files/model.gguf", DATA, status=status)
    error = failure(get, hub, dest, url=hub.url("/files/model.gguf"))
    assert (error.kind, error.retryable) == (kind, retryable)
    assert f"HTTP {status}" in str(error) and NAME in str(error)
    assert_nothing_kept(dest)


def test_a_redirect_loop_is_a_sentence(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, redirect_loop=True)
    error = failure(fetch, hub, dest)
    assert error.kind is DownloadErrorKind.REDIRECTS and NAME in str(error)
    assert_nothing_kept(dest)


def test_a_stalled_transfer_is_given_up_and_its_part_kept(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, stall_after=20_000)
    started = time.monotonic()
    error = failure(fetch, hub, dest, stall_timeout_s=STALL_S)
    assert time.monotonic() - started < STALL_S + 3
    assert error.kind is DownloadErrorKind.STALLED and error.retryable
    assert "Resume" in str(error)
    assert part_path(dest).read_bytes() == DATA[:20_000]
    assert not dest.exists()


def test_a_full_disk_keeps_the_part_and_says_so(
    hub: FakeHub, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add_file(REPO, NAME, DATA)
    real_write = download._write_all
    calls = []

    def write_until_full(fd: int, data: bytes) -> None:
        calls.append(len(data))
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(fd, data)

    monkeypatch.setattr(download, "_write_all", write_until_full)
    error = failure(get, hub, dest)
    assert error.kind is DownloadErrorKind.DISK_FULL and "free some space" in str(error)
    assert part_path(dest).read_bytes() == DATA[: sum(calls[:2])]
    assert not dest.exists()


def test_the_free_space_check_names_what_is_needed(tmp_path: Path) -> None:
    error = failure(check_free_space, tmp_path / "not-yet" / "there", 10**18, label=NAME)
    assert error.kind is DownloadErrorKind.DISK_FULL
    assert "1000000000.0 GB" in str(error) and NAME in str(error)
    check_free_space(tmp_path, 1)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_folder_that_cannot_be_written_is_a_permission_sentence(
    hub: FakeHub, tmp_path: Path
) -> None:
    hub.add_file(REPO, NAME, DATA)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        error = failure(get, hub, locked / "model" / NAME)
    finally:
        locked.chmod(0o700)
    assert error.kind is DownloadErrorKind.PERMISSION and "Settings" in str(error)


def test_a_folder_that_is_a_file_is_a_sentence(hub: FakeHub, tmp_path: Path) -> None:
    hub.add_file(REPO, NAME, DATA)
    (tmp_path / "models").write_text("not a folder")
    error = failure(get, hub, tmp_path / "models" / "model" / NAME)
    assert error.kind is DownloadErrorKind.PERMISSION
    assert str(tmp_path / "models") in str(error) and "Settings" in str(error)


# --- pause and cancel -----------------------------------------------------------------------


def stop_when_started(progress: Progress, action) -> threading.Thread:  # type: ignore[no-untyped-def]
    """Pause or cancel from another thread (as the window does) once bytes flow."""

    def run() -> None:
        if progress.started.wait(5):
            action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_pause_keeps_the_part_and_a_new_call_finishes_it(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, bytes_per_second=40_000)  # 2.4 s unless paused
    control, progress = DownloadControl(), Progress()
    stop_when_started(progress, control.pause)
    assert get(hub, dest, control=control, progress=progress) is DownloadOutcome.PAUSED
    kept = part_path(dest).stat().st_size
    assert 0 < kept < SIZE and not dest.exists()
    hub.add_file(REPO, NAME, DATA)  # full speed now
    assert get(hub, dest) is DownloadOutcome.DONE
    assert dest.read_bytes() == DATA
    assert body_requests(hub)[-1] == f"bytes={kept}-"


def test_pause_takes_effect_at_once_on_a_silent_connection(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, stall_after=20_000)
    control, progress = DownloadControl(), Progress()

    def pause_once_silent() -> None:
        time.sleep(0.3)  # the 20,000 bytes are long sent: the download waits on silence
        control.pause()

    stop_when_started(progress, pause_once_silent)
    started = time.monotonic()
    outcome = get(hub, dest, control=control, progress=progress, stall_timeout_s=30)
    assert outcome is DownloadOutcome.PAUSED
    assert time.monotonic() - started < 10  # not the 30 s stall timeout
    kept = part_path(dest).read_bytes()
    assert kept and DATA.startswith(kept)


def test_cancel_removes_the_part(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, bytes_per_second=40_000)
    control, progress = DownloadControl(), Progress()
    stop_when_started(progress, control.cancel)
    assert get(hub, dest, control=control, progress=progress) is DownloadOutcome.CANCELLED
    assert_nothing_kept(dest)
    assert list(dest.parent.iterdir()) == []


def test_discard_partial_forgets_a_part(hub: FakeHub, dest: Path) -> None:
    hub.add_file(REPO, NAME, DATA, drop_after=10_000)
    failure(fetch, hub, dest)
    assert part_path(dest).exists()
    discard_partial(dest)
    assert list(dest.parent.iterdir()) == []


# --- the proxy ------------------------------------------------------------------------------


def test_downloads_go_through_the_system_proxy(
    hub: FakeHub, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add_file(REPO, NAME, DATA)
    with RecordingProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        outcome, _ = fetch(hub, dest, opener=make_opener())
    assert outcome is DownloadOutcome.DONE and dest.read_bytes() == DATA
    assert proxy.seen == [
        f"{hub.base_url}/api/models/{REPO}/tree/main",
        f"{hub.base_url}/{REPO}/resolve/main/{NAME}",
        f"{hub.base_url}/cdn/{SHA}",
    ]
