"""First run with no model: the welcome page recommends a vision model and a Whisper model,
downloads both from a hub on 127.0.0.1, loads the model, and the person can chat."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.models.catalog import Catalog, CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.download_jobs import JobState
from assistant.paths import AppPaths
from tests.gui.conftest import LOAD_TIMEOUT_MS, configure, open_window, type_and_send
from tests.support.fake_checkpoint import write_fake_checkpoint
from tests.support.fake_hub import FakeHub
from tests.support.synthetic_vision import VisionPair

REPO = "test-org/Tiny-Vision-GGUF"



def first_run_catalog(hub: FakeHub, pair: VisionPair, checkpoint: Path) -> Catalog:
    """A vision model with its projector on the hub, and a Whisper checkpoint at a URL."""
    model, projector = Path(pair.model), Path(pair.mmproj)
    hub.add_file(REPO, model.name, model.read_bytes())
    hub.add_file(REPO, "mmproj-" + model.stem + ".gguf", projector.read_bytes())
    speech_bytes = checkpoint.read_bytes()
    hub.add_url("/whisper/base.pt", speech_bytes)
    vision = CatalogEntry(
        id="tiny-vision", name="Tiny Vision", kind=ModelKind.VISION, family="llava",
        parameters=2_000_000, quantization="F32", license="MIT",
        files=(CatalogFile(FileRole.MODEL, model.name, model.stat().st_size, repo=REPO),
               CatalogFile(FileRole.MMPROJ, "mmproj-" + model.stem + ".gguf",
                           projector.stat().st_size, repo=REPO)),
        min_ram_bytes=1, context_length=1024, kv_bytes_per_token=1024)
    speech = CatalogEntry(
        id="whisper-base", name="Whisper base", kind=ModelKind.SPEECH, family="whisper",
        parameters=74_000_000, quantization="F16", license="MIT",
        files=(CatalogFile(FileRole.MODEL, "base.pt", len(speech_bytes),
                           url=hub.url("/whisper/base.pt"),
                           sha256=hashlib.sha256(speech_bytes).hexdigest(), size_exact=True),),
        min_ram_bytes=1, context_length=448, kv_bytes_per_token=0)
    return Catalog((vision, speech))


def test_a_first_run_downloads_the_recommended_models_and_chats(
        qtbot: QtBot, hub: FakeHub, tiny_vision_pair: VisionPair, paths: AppPaths,
        tmp_path: Path) -> None:
    checkpoint = write_fake_checkpoint(tmp_path / "base.pt")
    window = open_window(qtbot, catalog=first_run_catalog(hub, tiny_vision_pair, checkpoint))
    configure(window)
    store = window.services.settings
    store.update(replace(store.current, network=replace(store.current.network,
                                                        hub_endpoint=hub.base_url)))
    page = window.welcome_page

    window.start_engine()
    qtbot.waitUntil(lambda: window.welcome.showing, timeout=10_000)
    assert page.isVisible() and not window.message_view.isVisible()
    assert page.download_text() == "Download both (" + page.download_text().split("(")[1]
    cards = page.findChildren(type(page.machine_label))
    shown = " ".join(label.text() for label in cards)
    assert "Tiny Vision" in shown and "Whisper base" in shown
    assert "This computer:" in page.machine_label.text()

    with qtbot.waitSignal(window.services.engine.modelLoaded, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(page.download_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(window.downloads.jobs()), timeout=5_000)
        assert window.downloads_indicator.isVisible()
    qtbot.waitUntil(lambda: all(job.state is JobState.DONE
                                for job in window.downloads.jobs()), timeout=20_000)

    folder = paths.models_dir / "tiny-vision"
    assert (folder / Path(tiny_vision_pair.model).name).read_bytes() == \
        Path(tiny_vision_pair.model).read_bytes()
    assert (paths.models_dir / "whisper" / "base.pt").read_bytes() == checkpoint.read_bytes()
    assert not list(paths.models_dir.rglob("*.part"))
    # The transcript is back, the model is loaded with sight, and speech uses the download.
    qtbot.waitUntil(lambda: not window.welcome.showing, timeout=5_000)
    assert "sees images" in window.model_panel.status_text()
    assert store.current.speech.whisper_model == "base"
    assert not window.downloads_indicator.isVisible()

    type_and_send(qtbot, window, "hello")
    answers = [m for m in window.services.repository.messages(
        window.conversations.current_id) if m.role == "assistant"]
    assert answers and answers[-1].text.strip()


def test_no_welcome_page_when_a_model_is_already_there(
        qtbot: QtBot, model_in_folder: Path, hub: FakeHub) -> None:
    window = open_window(qtbot, catalog=Catalog(()))
    configure(window)
    window.welcome.start()
    qtbot.wait(200)
    assert not window.welcome.showing
    assert window.message_view.isVisible()
