"""The log file: what lands in it, rotation, a second configuration, an unwritable folder,
and warnings and uncaught exceptions (in this process, in a thread, in another process)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.logging_setup import (
    BACKUP_COUNT,
    ENGINE_LOG_FILE_NAME,
    LOG_FILE_NAME,
    MAX_BYTES,
    configure_logging,
    level_from_env,
    unconfigure_logging,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    yield
    unconfigure_logging()


def ours(root: logging.Logger) -> list[logging.Handler]:
    """The root handlers that are not pytest's capture handlers."""
    return [h for h in root.handlers if type(h).__module__.startswith("logging")]


def test_records_land_in_the_log_file_with_time_level_process_and_logger(
        tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", to_stderr=False)
    assert path == tmp_path / "logs" / LOG_FILE_NAME
    logging.getLogger("assistant.ui.test").info("the window opened — 窗口")
    logging.getLogger("assistant.ui.test").debug("not at INFO")
    line = path.read_text(encoding="utf-8").strip()
    assert line.endswith("INFO [MainProcess] assistant.ui.test: the window opened — 窗口")
    assert line[:4].isdigit()  # starts with the date
    assert "not at INFO" not in path.read_text(encoding="utf-8")


def test_configuring_twice_writes_each_line_once(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    before = len(ours(logging.getLogger()))
    configure_logging(tmp_path)
    path = configure_logging(tmp_path)
    assert path is not None
    assert len(ours(logging.getLogger())) == before + 2  # the file and the terminal
    logging.getLogger("mosaic.test").warning("once")
    assert path.read_text(encoding="utf-8").count("once") == 1
    assert capsys.readouterr().err.count("once") == 1


def test_a_second_configuration_moves_the_log_and_unconfigure_removes_it(
        tmp_path: Path) -> None:
    first = configure_logging(tmp_path / "a", to_stderr=False)
    second = configure_logging(tmp_path / "b", to_stderr=False)
    logging.getLogger("mosaic.test").warning("after the move")
    assert first is not None and second is not None
    assert "after the move" not in first.read_text(encoding="utf-8")
    assert "after the move" in second.read_text(encoding="utf-8")
    hook = sys.excepthook
    unconfigure_logging()
    logging.getLogger("mosaic.test").warning("after unconfigure")
    assert "after unconfigure" not in second.read_text(encoding="utf-8")
    assert sys.excepthook is not hook


def test_the_file_rotates_at_one_mebibyte_keeping_five(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, to_stderr=False)
    assert path is not None
    line = "x" * 1000
    logger = logging.getLogger("mosaic.flood")
    for _ in range(7 * MAX_BYTES // 1000):
        logger.info(line)
    backups = sorted(p.name for p in tmp_path.iterdir() if p.name != LOG_FILE_NAME)
    assert backups == [f"{LOG_FILE_NAME}.{n}" for n in range(1, BACKUP_COUNT + 1)]
    for file in tmp_path.iterdir():
        assert file.stat().st_size <= MAX_BYTES


def test_an_unwritable_folder_logs_to_the_terminal_with_one_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    assert configure_logging(blocker / "logs", to_stderr=False) is None
    logging.getLogger("mosaic.test").warning("still said")
    err = capsys.readouterr().err
    assert err.count("Could not write the log file") == 1
    assert f"{blocker / 'logs' / LOG_FILE_NAME}" in err
    assert "Mosaic logs to the terminal only until that folder can be written." in err
    assert "still said" in err
    assert blocker.read_text() == "a file where the log folder should be"


def test_python_warnings_are_logged(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, to_stderr=False)
    assert path is not None
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("the image is very large", UserWarning, stacklevel=1)
    text = path.read_text(encoding="utf-8")
    assert "WARNING [MainProcess] py.warnings:" in text
    assert "UserWarning: the image is very large" in text


def test_an_uncaught_exception_in_a_thread_is_logged_with_its_traceback(
        tmp_path: Path) -> None:
    path = configure_logging(tmp_path, to_stderr=False)
    assert path is not None

    def fail() -> None:
        raise RuntimeError("the download thread broke")

    thread = threading.Thread(target=fail, name="download-7")
    thread.start()
    thread.join()
    text = path.read_text(encoding="utf-8")
    assert "CRITICAL [MainProcess] mosaic.uncaught: Uncaught exception in thread download-7" in text
    assert "RuntimeError: the download thread broke" in text
    assert "in fail" in text  # the traceback


def test_an_engine_process_logs_to_its_own_file_even_when_it_crashes(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import logging, multiprocessing
        from pathlib import Path
        from assistant.logging_setup import ENGINE_LOG_FILE_NAME, configure_logging
        multiprocessing.current_process().name = "mosaic-engine"
        configure_logging(Path({str(tmp_path)!r}), file_name=ENGINE_LOG_FILE_NAME)
        logging.getLogger("assistant.engine.host").info("engine ready")
        raise ValueError("a malformed request")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    text = (tmp_path / ENGINE_LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "INFO [mosaic-engine] assistant.engine.host: engine ready" in text
    assert "CRITICAL [mosaic-engine] mosaic.uncaught: Uncaught exception" in text
    assert "ValueError: a malformed request" in text
    assert "ValueError: a malformed request" in done.stderr  # and on the terminal, once
    assert done.stderr.count("Traceback") == 1
    assert not (tmp_path / LOG_FILE_NAME).exists()


def test_the_level_can_be_raised_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOSAIC_LOG_LEVEL", "debug")
    assert level_from_env() == logging.DEBUG
    monkeypatch.setenv("MOSAIC_LOG_LEVEL", "chatty")
    assert level_from_env() == logging.INFO
    monkeypatch.delenv("MOSAIC_LOG_LEVEL")
    assert level_from_env(logging.WARNING) == logging.WARNING
