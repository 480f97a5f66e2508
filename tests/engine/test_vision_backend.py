"""Images through the real engine: the synthetic vision pair loaded by llama.cpp's mtmd."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.core.attachments import ImageAttachment
from assistant.core.generation import LoadParams, SamplingParams
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    ErrorCode,
    Event,
    Generate,
    GenerationDone,
    GenerationStarted,
    LoadModel,
    ModelLoaded,
    TokenText,
)
from assistant.engine.backend import BackendError
from assistant.engine.llama_backend import LlamaBackend
from assistant.engine.process import EngineProcess
from assistant.storage.attachment_store import AttachmentStore
from tests.support.synthetic_gguf import write_tiny_llama
from tests.support.synthetic_vision import VisionPair, write_tiny_vision_pair

pytestmark = pytest.mark.engine

GREEDY = SamplingParams(temperature=0.0, max_tokens=8, repeat_penalty=1.0)
QUESTION = "What is in this picture?"


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def should_stop(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, TokenText))

    @property
    def started(self) -> GenerationStarted:
        return next(e for e in self.events if isinstance(e, GenerationStarted))


@pytest.fixture(autouse=True)
def _no_backtrace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GGML_NO_BACKTRACE", "1")


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ImageAttachment]:
    folder = tmp_path_factory.mktemp("images")
    store = AttachmentStore(folder / "store")
    red = folder / "red.png"
    Image.new("RGB", (120, 90), (220, 30, 30)).save(red)
    noise = folder / "noise.jpg"
    pixels = np.random.default_rng(7).integers(0, 255, (200, 300, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(noise, quality=90)
    return {"red": store.add_image(red, "red.png"), "noise": store.add_image(noise, "noise.jpg")}


def _load(backend: LlamaBackend, pair: VisionPair, mmproj: str | None = None,
          n_ctx: int = 1024) -> ModelLoaded:
    request = LoadModel(1, str(pair.model), LoadParams(n_ctx=n_ctx, n_threads=1),
                        str(pair.mmproj) if mmproj is None else mmproj)
    return backend.load(request, lambda _fraction, _stage="model": None)


@pytest.fixture(scope="module")
def backend(tiny_vision_pair: VisionPair) -> Iterator[LlamaBackend]:
    llama = LlamaBackend()
    _load(llama, tiny_vision_pair)
    yield llama
    llama.close()


def _ask(backend: LlamaBackend, *turns: ChatTurn) -> Recorder:
    recorder = Recorder()
    backend.generate(Generate(5, turns, "", GREEDY), recorder)
    return recorder


def _user(text: str, *images: ImageAttachment) -> ChatTurn:
    return ChatTurn(Role.USER, text, tuple(images))


def test_the_loaded_model_says_it_can_see(tiny_vision_pair: VisionPair) -> None:
    llama = LlamaBackend()
    try:
        loaded = _load(llama, tiny_vision_pair)
    finally:
        llama.close()
    assert loaded.mmproj == str(tiny_vision_pair.mmproj)
    assert loaded.vision_family == "LLaVA"
    assert loaded.image_max_side == 64  # the synthetic projector's image size


def test_different_images_give_different_answers_and_the_same_image_the_same(
        backend: LlamaBackend, images: dict[str, ImageAttachment]) -> None:
    red = _ask(backend, _user(QUESTION, images["red"])).text
    noise = _ask(backend, _user(QUESTION, images["noise"])).text
    red_again = _ask(backend, _user(QUESTION, images["red"])).text
    assert red and noise
    assert red != noise
    assert red == red_again


def test_a_follow_up_reuses_the_encoded_image_and_answers_as_a_fresh_engine_would(
        backend: LlamaBackend, tiny_vision_pair: VisionPair,
        images: dict[str, ImageAttachment]) -> None:
    first = _ask(backend, _user(QUESTION, images["noise"]))
    assert backend.last_images_encoded == 1
    history = (_user(QUESTION, images["noise"]), ChatTurn(Role.ASSISTANT, first.text),
               _user("And what colour is it?"))
    follow_up = _ask(backend, *history)
    assert backend.last_images_encoded == 0
    assert follow_up.started.reused_images == 1
    assert follow_up.started.reused_tokens > follow_up.started.image_tokens

    fresh = LlamaBackend()
    try:
        _load(fresh, tiny_vision_pair)
        recorder = Recorder()
        fresh.generate(Generate(9, history, "", GREEDY), recorder)
        assert fresh.last_images_encoded == 1
    finally:
        fresh.close()
    assert follow_up.text == recorder.text


def test_a_text_chat_in_between_does_not_confuse_the_cache(
        backend: LlamaBackend, images: dict[str, ImageAttachment]) -> None:
    with_image = _ask(backend, _user(QUESTION, images["red"])).text
    _ask(backend, _user("Tell me a story."))
    assert backend.last_images_encoded == 0
    again = _ask(backend, _user(QUESTION, images["red"])).text
    assert backend.last_images_encoded == 1
    assert again == with_image


def test_two_images_in_one_message(backend: LlamaBackend,
                                   images: dict[str, ImageAttachment]) -> None:
    both = _ask(backend, _user("Compare them.", images["red"], images["noise"]))
    assert both.started.image_tokens == 2 * _ask(
        backend, _user("Compare them.", images["red"])).started.image_tokens
    swapped = _ask(backend, _user("Compare them.", images["noise"], images["red"]))
    assert both.text != swapped.text


def test_images_for_a_model_loaded_without_projector_are_refused(
        tiny_vision_pair: VisionPair, images: dict[str, ImageAttachment]) -> None:
    llama = LlamaBackend()
    try:
        _load(llama, tiny_vision_pair, mmproj="")
        with pytest.raises(BackendError) as caught:
            _ask(llama, _user(QUESTION, images["red"]))
    finally:
        llama.close()
    assert caught.value.code is ErrorCode.NO_VISION
    assert "cannot see images" in caught.value.message


def test_a_projector_of_another_model_is_refused_before_loading(
        tmp_path: Path, tiny_vision_pair: VisionPair) -> None:
    other = write_tiny_vision_pair(tmp_path, projection_dim=96, name="wider")
    llama = LlamaBackend()
    with pytest.raises(BackendError) as caught:
        _load(llama, tiny_vision_pair, mmproj=str(other.mmproj))
    assert caught.value.code is ErrorCode.PROJECTOR_FILE
    assert "does not belong to tiny-vision-test" in caught.value.message
    assert "96-wide" in caught.value.message and "64-wide" in caught.value.message
    assert not llama.loaded


def test_images_that_cannot_fit_the_context_are_explained(
        tiny_vision_pair: VisionPair, images: dict[str, ImageAttachment]) -> None:
    llama = LlamaBackend()
    try:
        _load(llama, tiny_vision_pair, n_ctx=256)  # llama.cpp's smallest context
        four = (images["red"], images["noise"]) * 2
        with pytest.raises(BackendError) as caught:
            _ask(llama, _user("Compare.", *four))
        assert caught.value.code is ErrorCode.PROMPT_TOO_LONG
        assert "4 images take about 256 context tokens" in caught.value.message
        assert "context of 256" in caught.value.message
        # one image fits, and the engine still answers
        assert _ask(llama, _user("Describe.", images["red"])).text
    finally:
        llama.close()


def test_an_image_deleted_from_disk_is_named(tmp_path: Path, backend: LlamaBackend,
                                             images: dict[str, ImageAttachment]) -> None:
    gone = ImageAttachment("0" * 64, str(tmp_path / "gone.png"), "", "holiday.png", 10, 10, 5)
    with pytest.raises(BackendError) as caught:
        _ask(backend, _user(QUESTION, gone))
    assert caught.value.code is ErrorCode.IMAGE
    assert "holiday.png" in caught.value.message
    assert _ask(backend, _user(QUESTION, images["red"])).text  # still works


def test_images_cross_the_process_boundary(tiny_vision_pair: VisionPair,
                                           images: dict[str, ImageAttachment]) -> None:
    engine = EngineProcess()
    engine.start("llama", None)
    try:
        engine.send(LoadModel(1, str(tiny_vision_pair.model),
                              LoadParams(n_ctx=512, n_threads=1), str(tiny_vision_pair.mmproj)))
        events = _until(engine, (ModelLoaded,))
        assert isinstance(events[-1], ModelLoaded) and events[-1].mmproj
        engine.send(Generate(2, (_user(QUESTION, images["red"]),), "", GREEDY))
        events = _until(engine, (GenerationDone,))
        started = next(e for e in events if isinstance(e, GenerationStarted))
        assert started.image_tokens == 64
        assert "".join(e.text for e in events if isinstance(e, TokenText))
    finally:
        engine.stop(5.0)


def _until(engine: EngineProcess, kinds: tuple[type, ...]) -> list[object]:
    events: list[object] = []
    while True:
        assert engine.poll(60), "the engine did not answer within a minute"
        event = engine.recv()
        events.append(event)
        if isinstance(event, kinds):
            return events
        assert not hasattr(event, "code"), event


def test_a_model_without_chat_template_is_prompted_the_way_its_family_was_trained(
        tmp_path: Path, tiny_vision_pair: VisionPair,
        images: dict[str, ImageAttachment]) -> None:
    bare = write_tiny_llama(tmp_path / "llava-no-template.gguf", chat_template=None)
    llama = LlamaBackend()
    try:
        llama.load(LoadModel(1, str(bare), LoadParams(n_ctx=512, n_threads=1),
                             str(tiny_vision_pair.mmproj)), lambda _f, _s="model": None)
        prompt, _dropped, stops = llama.build_vision_prompt(
            Generate(2, (_user(QUESTION, images["red"]),), "", GREEDY))
        try:
            text_tokens = [p for p in prompt.pieces if isinstance(p, int)]
            text = llama.llm.detokenize(text_tokens).decode()
        finally:
            prompt.free()
        assert text.lstrip().startswith("USER:") and text.rstrip().endswith("ASSISTANT:")
        assert "\nUSER:" in stops
        assert _ask(llama, _user(QUESTION, images["red"])).text
    finally:
        llama.close()
