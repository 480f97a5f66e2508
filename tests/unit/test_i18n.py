"""The Qt-free layers' sentences go through an installable translator: English (the source
text) until the interface installs one, then whatever it returns."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core import i18n
from assistant.core.i18n import install_translator, translate
from assistant.media.images import ImageFileError, check_image
from assistant.models.download_jobs import format_duration
from assistant.models.gguf_inspect import ModelFileError, inspect_gguf
from assistant.models.hub import network_error
from assistant.models.machine_fit import MachineResources, machine_summary
from assistant.models.vision import inspect_vision_model
from tests.support.synthetic_vision import write_tiny_vision_pair

GiB = 1024**3
MACHINE = MachineResources(total_ram_bytes=int(25.3e9), available_ram_bytes=8 * GiB,
                           vram_bytes=None, gpu_name=None, free_disk_bytes=int(69.7e9))
ENGLISH = "This computer: 25.3 GB memory · no GPU found · 69.7 GB free for models"


@pytest.fixture(autouse=True)
def no_translator() -> Iterator[None]:
    install_translator(None)
    yield
    install_translator(None)


def test_without_a_translator_the_english_source_text_is_returned() -> None:
    assert translate("Any", "Left {thing} as it was.") == "Left {thing} as it was."
    assert machine_summary(MACHINE) == ENGLISH


def test_an_installed_translator_changes_the_machine_line() -> None:
    asked: list[tuple[str, str]] = []
    chinese = {"This computer: {parts}": "本机：{parts}", "{size} memory": "{size} 内存",
               "no GPU found": "未找到 GPU"}

    def fake(context: str, text: str) -> str:
        asked.append((context, text))
        return chinese.get(text, text)

    install_translator(fake)
    assert machine_summary(MACHINE) == \
        "本机：25.3 GB 内存 · 未找到 GPU · 69.7 GB free for models"
    assert ("MachineFit", "This computer: {parts}") in asked
    assert ("MachineFit", "{size} free for models") in asked  # asked, left English


def test_removing_the_translator_brings_english_back() -> None:
    install_translator(lambda context, text: "«" + text + "»")
    assert format_duration(125) == "«2 min»"
    install_translator(None)
    assert i18n.translate("Duration", "{minutes} min") == "{minutes} min"
    assert format_duration(125) == "2 min"
    assert machine_summary(MACHINE) == ENGLISH


def _chinese(table: dict[tuple[str, str], str]) -> None:
    """Install a fake translator that knows only ``table``'s (context, sentence) pairs."""
    install_translator(lambda context, text: table.get((context, text), text))


def test_a_file_that_is_not_a_model_is_refused_in_the_interface_language(tmp_path: Path) -> None:
    notes = tmp_path / "notes.gguf"
    notes.write_bytes(b"hello world, not a model")
    with pytest.raises(ModelFileError) as english:
        inspect_gguf(notes)
    assert str(english.value) == \
        'notes.gguf is not a GGUF model file (it starts with "hello wo"); pick a .gguf file.'
    _chinese({("ModelFile", '{file} is not a GGUF model file (it starts with "{start}"); '
               'pick a .gguf file.'): "{file} 不是 GGUF 模型文件（其开头为“{start}”）。"})
    with pytest.raises(ModelFileError) as chinese:
        inspect_gguf(notes)
    assert str(chinese.value) == "notes.gguf 不是 GGUF 模型文件（其开头为“hello wo”）。"


def test_a_refused_connection_is_told_in_the_interface_language() -> None:
    url = "https://huggingface.co/org/repo/resolve/main/model.gguf"
    refused = urllib.error.URLError(ConnectionRefusedError())
    assert str(network_error(url, "model.gguf", refused)).startswith(
        "huggingface.co refused the connection while fetching model.gguf; check")
    _chinese({("Hub", "{host} refused the connection while fetching {file}; check the "
               "internet connection (and the proxy or hub in Settings), then try again."):
              "获取 {file} 时 {host} 拒绝了连接。"})
    assert str(network_error(url, "model.gguf", refused)) == \
        "获取 model.gguf 时 huggingface.co 拒绝了连接。"


def test_a_pdf_attached_as_an_image_is_refused_in_the_interface_language() -> None:
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
    with pytest.raises(ImageFileError) as english:
        check_image(pdf, "letter")
    assert str(english.value) == ("letter is a PDF document, which Mosaic cannot read; convert "
                                  "it to PNG or JPEG, or attach a PNG, JPEG, WebP, GIF or BMP "
                                  "file.")
    _chinese({("Images", "{file} is a PDF document, which Mosaic cannot read; convert it to "
               "PNG or JPEG, or attach a {formats} file."):
              "{file} 是 PDF 文档；请附加 {formats} 文件。",
              ("Images", "PNG, JPEG, WebP, GIF or BMP"): "PNG、JPEG、WebP、GIF 或 BMP"})
    with pytest.raises(ImageFileError) as chinese:
        check_image(pdf, "letter")
    assert str(chinese.value) == "letter 是 PDF 文档；请附加 PNG、JPEG、WebP、GIF 或 BMP 文件。"


def test_a_model_chosen_as_projector_is_explained_in_the_interface_language(
        tmp_path: Path) -> None:
    pair = write_tiny_vision_pair(tmp_path)
    _chinese({("Vision", "{file} is a language model, not a vision projector; choose the "
               "mmproj file published with {model}."): "{file} 是语言模型，不是视觉投影器。"})
    setup = inspect_vision_model(str(pair.model), str(pair.model))
    assert setup.problem == f"{pair.model.name} 是语言模型，不是视觉投影器。"
