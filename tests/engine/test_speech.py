"""Speech to text with the real Whisper tiny.en checkpoint and real (espeak-ng) speech.

In-process through :class:`SpeechEngine` where that is enough, and through the real engine
process for what a person does: push-to-talk, a long file, cancelling it, bad model files.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.core.generation import LoadParams
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    Cancel,
    EngineError,
    EngineReady,
    ErrorCode,
    Event,
    Generate,
    GenerationDone,
    LoadModel,
    ModelLoaded,
    Transcribe,
    TranscriptionDone,
    TranscriptionProgress,
)
from assistant.engine.backend import BackendError
from assistant.engine.fake_llm import write_fake_model
from assistant.engine.process import EngineProcess
from assistant.engine.speech import SpeechEngine
from assistant.engine.voice_activity import SpeechWindow, VoiceActivityDetector, speech_windows
from tests.support.speech_clips import (
    PHRASE_3S,
    PHRASE_6S,
    PHRASE_20S,
    PHRASES,
    SAMPLE_RATE,
    SpeechUnavailable,
    hum_noise,
    normalised,
    pcm_bytes,
    require_espeak,
    room_noise,
    silence,
    speech_clip,
    whisper_tiny_en,
    white_noise,
    word_error_rate,
    write_wav,
)

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def tiny_en() -> Path:
    try:
        require_espeak()
        return whisper_tiny_en()
    except SpeechUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def engine(tiny_en: Path) -> SpeechEngine:
    """One in-process speech engine for the module: the model loads once."""
    return SpeechEngine(threads=2)


class Recorder:
    """The host's side of a request: collects events; ``stop_after`` progress events,
    answers should_stop() with True (a Cancel)."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.events: list[Event] = []
        self.stop_after = stop_after

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def should_stop(self) -> bool:
        progress = [e for e in self.events if isinstance(e, TranscriptionProgress)]
        return self.stop_after is not None and len(progress) >= self.stop_after


def transcribe(engine: SpeechEngine, model: Path, audio: np.ndarray | None = None,
               path: Path | None = None, language: str | None = None,
               control: Recorder | None = None) -> TranscriptionDone:
    request = Transcribe(1, str(model), pcm_bytes(audio) if audio is not None else b"",
                         str(path) if path else "", language)
    return engine.transcribe(request, control or Recorder())


def failure(engine: SpeechEngine, model: Path, audio: np.ndarray | None = None,
            path: Path | None = None, language: str | None = None) -> BackendError:
    with pytest.raises(BackendError) as caught:
        transcribe(engine, model, audio, path, language)
    error = caught.value
    assert error.message.endswith(".") and "Traceback" not in error.message
    return error


# --- what a person says --------------------------------------------------------------


@pytest.mark.parametrize("length", list(PHRASES))
def test_spoken_phrases_are_transcribed_word_for_word(engine: SpeechEngine, tiny_en: Path,
                                                      length: str) -> None:
    phrase = PHRASES[length]
    clip = speech_clip(phrase)
    done = transcribe(engine, tiny_en, clip)
    assert normalised(done.text) == normalised(phrase)
    assert done.language == "en"
    assert done.audio_s == pytest.approx(len(clip) / SAMPLE_RATE)
    # the room noise before and after the words is trimmed, the words are kept
    assert len(clip) / SAMPLE_RATE - 0.6 <= done.speech_s < done.audio_s


def test_the_encoder_runs_on_the_length_of_the_speech_not_30_seconds(
        engine: SpeechEngine, tiny_en: Path) -> None:
    transcribe(engine, tiny_en, speech_clip(PHRASE_3S))  # loads the model
    runner = engine.runner
    assert runner is not None
    shapes: list[tuple[int, ...]] = []
    encode = runner.encode

    def spy(mel):  # type: ignore[no-untyped-def]
        features = encode(mel)
        shapes.append(tuple(features.shape))
        return features

    runner.encode = spy  # type: ignore[method-assign]
    try:
        done = transcribe(engine, tiny_en, speech_clip(PHRASE_3S, lead_s=2.0, tail_s=2.0))
    finally:
        del runner.encode
    assert normalised(done.text) == normalised(PHRASE_3S)
    assert len(shapes) == 1
    positions = shapes[0][1]  # 50 per second; 30 s of audio would be 1500
    speech_s = len(speech_clip(PHRASE_3S)) / SAMPLE_RATE - 0.6  # without the room noise
    assert speech_s * 50 <= positions <= 6 * 50, shapes  # the speech and a little silence


def test_fast_decoding_gives_exactly_the_fp32_transcripts(engine: SpeechEngine,
                                                         tiny_en: Path) -> None:
    exact = SpeechEngine(threads=2, fast_decoding=False)
    for phrase in PHRASES.values():
        clip = speech_clip(phrase)
        assert transcribe(engine, tiny_en, clip).text == transcribe(exact, tiny_en, clip).text
    assert exact.runner is not None and exact.runner.vocabulary is None
    assert engine.runner is not None and engine.runner.fp16_weights
    vocabulary = engine.runner.vocabulary if engine.runner else None
    assert vocabulary is not None and vocabulary.generated > 50
    # int8 narrows 51864 tokens to a few hundred that are scored again in fp32
    assert vocabulary.rescored / vocabulary.generated < 2000


def test_the_int8_error_bound_holds_and_rescoring_finds_the_fp32_best(
        engine: SpeechEngine, tiny_en: Path) -> None:
    import torch

    transcribe(engine, tiny_en, speech_clip(PHRASE_3S))
    vocabulary = engine.runner.vocabulary if engine.runner else None
    assert vocabulary is not None
    generator = torch.Generator().manual_seed(3)
    # decoder states after the final layer norm: unit variance, a few large channels
    states = torch.randn(32, 384, generator=generator)
    states[:, :4] *= 12.0
    logits, bound = vocabulary.approximate(states)
    exact = vocabulary.exact(states)
    assert bool(((logits - exact).abs() <= bound).all())
    assert (logits.argmax(-1) != exact.argmax(-1)).any()  # int8 alone would differ here
    logits[:, 50256] = -torch.inf  # suppressed by a filter: stays suppressed
    exact[:, 50256] = -torch.inf
    vocabulary.make_exact(logits, bound, states)
    assert torch.equal(logits.argmax(-1), exact.argmax(-1))
    assert bool(torch.isinf(logits[:, 50256]).all())


# --- silence and noise --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["digital silence", "room", "white noise", "fan hum"])
def test_silence_and_noise_give_no_text_without_running_whisper(
        engine: SpeechEngine, tiny_en: Path, kind: str) -> None:
    audio = {"digital silence": silence(3), "room": room_noise(3),
             "white noise": white_noise(3), "fan hum": hum_noise(3)}[kind]
    transcribe(engine, tiny_en, speech_clip(PHRASE_3S))  # the model is loaded
    runner = engine.runner
    assert runner is not None
    calls: list[int] = []
    runner.decode = lambda *a, **k: calls.append(1)  # type: ignore[method-assign]
    try:
        done = transcribe(engine, tiny_en, audio)
    finally:
        del runner.decode
    assert (done.text, done.speech_s) == ("", 0.0)
    assert done.audio_s == pytest.approx(3.0)
    assert calls == []


@pytest.mark.parametrize(("text", "no_speech", "logprob", "kept"), [
    ("[BLANK_AUDIO]", 0.1, -0.2, False), (" (wind blowing)", 0.1, -0.2, False),
    ("♪♪", 0.1, -0.2, False), ("* music *", 0.1, -0.2, False), ("", 0.1, -0.2, False),
    ("Thank you.", 0.9, -1.5, False),  # what Whisper itself judges to be no speech
    ("Thank you.", 0.2, -0.3, True), ("Play some (quiet) music.", 0.1, -0.2, True)])
def test_what_whisper_writes_for_non_speech_is_dropped(text: str, no_speech: float,
                                                       logprob: float, kept: bool) -> None:
    from assistant.engine.speech import _says_something
    from assistant.engine.whisper_decode import WindowTranscript

    assert _says_something(WindowTranscript(text, "en", no_speech, logprob, 250)) is kept


def test_an_empty_recording_gives_no_text(engine: SpeechEngine, tiny_en: Path) -> None:
    done = transcribe(engine, tiny_en, np.zeros(0, np.float32))
    assert (done.text, done.audio_s, done.speech_s) == ("", 0.0, 0.0)


def test_whisper_is_not_run_on_silence_even_inside_a_recording(
        engine: SpeechEngine, tiny_en: Path) -> None:
    """Speech, then 8 s of silence: the pause is kept (a recording), and no "Thank you."
    is invented for it."""
    clip = np.concatenate([speech_clip(PHRASE_3S), silence(8.0)])
    done = transcribe(engine, tiny_en, clip)
    assert normalised(done.text) == normalised(PHRASE_3S)
    assert done.speech_s < 5.0


# --- files ---------------------------------------------------------------------------


def test_a_file_loses_its_long_silences_and_keeps_every_phrase(
        engine: SpeechEngine, tiny_en: Path, tmp_path: Path) -> None:
    audio = np.concatenate([speech_clip(PHRASE_6S), silence(12.0), speech_clip(PHRASE_3S)])
    wav = write_wav(tmp_path / "two questions.wav", audio)
    events = Recorder()
    done = transcribe(engine, tiny_en, path=wav, control=events)
    assert normalised(done.text) == normalised(PHRASE_6S + " " + PHRASE_3S)
    assert done.audio_s == pytest.approx(len(audio) / SAMPLE_RATE, abs=0.01)
    assert done.speech_s < done.audio_s - 11.0
    assert not any(isinstance(e, TranscriptionProgress) for e in events.events)  # one window


def test_a_long_file_reports_progress_and_a_cancel_keeps_the_text_so_far(
        engine: SpeechEngine, tiny_en: Path, tmp_path: Path) -> None:
    phrases = [PHRASE_20S, PHRASE_6S, PHRASE_20S, PHRASE_3S, PHRASE_20S]
    audio = np.concatenate([np.concatenate([speech_clip(p), silence(3.0)]) for p in phrases])
    wav = write_wav(tmp_path / "lecture.wav", audio)

    whole = Recorder()
    done = transcribe(engine, tiny_en, path=wav, control=whole)
    fractions = [e.fraction for e in whole.events if isinstance(e, TranscriptionProgress)]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) >= 4
    # each phrase whole in one window; tiny.en still mishears a word of espeak here and there
    assert word_error_rate(" ".join(phrases), done.text) <= 0.05

    stopped = Recorder(stop_after=len([f for f in fractions if f <= 0.1]) + 1)
    partial = transcribe(engine, tiny_en, path=wav, control=stopped)
    assert partial.text and normalised(partial.text) == normalised(done.text)[
        :len(normalised(partial.text))]
    assert len(partial.text) < len(done.text)
    assert 0 < partial.speech_s < done.speech_s


def test_speech_windows_keep_short_pauses_cut_long_ones_and_hold_30_s() -> None:
    second = SAMPLE_RATE
    spans = [(0, 2 * second), (2 * second + second // 2, 5 * second),  # a short pause
             (20 * second, 40 * second), (41 * second, 52 * second)]
    windows = speech_windows(spans, max_gap_samples=second)
    assert windows == [SpeechWindow(((0, 5 * second), (20 * second, 40 * second))),
                       SpeechWindow(((41 * second, 52 * second),))]
    assert speech_windows(spans[:2], max_gap_samples=None) == [
        SpeechWindow(((0, 5 * second),))]
    long_span = speech_windows([(0, 70 * second)], max_gap_samples=None)
    assert [w.samples for w in long_span] == [30 * second, 30 * second, 10 * second]
    # a full window ends at its longest pause, not at the last one that fits
    sentences = [(0, 10 * second), (10 * second + 3200, 20 * second),
                 (23 * second, 28 * second), (28 * second + 1600, 40 * second)]
    assert speech_windows(sentences, max_gap_samples=None) == [
        SpeechWindow(((0, 20 * second),)), SpeechWindow(((23 * second, 40 * second),))]


def test_batched_voice_activity_matches_silero_chunk_by_chunk(tiny_en: Path) -> None:
    detector = VoiceActivityDetector()
    audio = np.concatenate([room_noise(0.5), speech_clip(PHRASE_6S), white_noise(1.0)])
    batched = detector.speech_probabilities(audio)
    looped = detector._looped_probabilities(audio, None, None)
    assert detector._lstm is not None  # the batched path is in use
    assert len(batched) == len(looped) == -(-len(audio) // 512)
    assert max(abs(a - b) for a, b in zip(batched, looped, strict=True)) < 1e-4
    assert max(batched) > 0.9 and min(batched) < 0.1


# --- failures ------------------------------------------------------------------------


class _WritesAMarker:
    """A pickle that, when loaded unsafely, creates ``marker`` (as malware would run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


def test_a_checkpoint_that_would_run_code_is_refused_and_never_runs(
        engine: SpeechEngine, tmp_path: Path) -> None:
    import torch

    marker = tmp_path / "pwned.txt"
    evil = tmp_path / "tiny.en.pt"
    torch.save({"dims": _WritesAMarker(marker), "model_state_dict": {}}, evil)
    # the file is real: an unsafe load would run its code
    torch.load(evil, weights_only=False)
    assert marker.exists()
    marker.unlink()

    error = failure(engine, evil, silence(1.0))
    assert error.code is ErrorCode.SPEECH_MODEL
    assert "tiny.en.pt" in error.message and "code" in error.message
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["text", "truncated", "other weights", "empty"])
def test_files_that_are_not_whisper_checkpoints(engine: SpeechEngine, tiny_en: Path,
                                                tmp_path: Path, kind: str) -> None:
    import torch

    model = tmp_path / "model.pt"
    if kind == "text":
        model.write_text("not a checkpoint\n")
    elif kind == "truncated":
        model.write_bytes(tiny_en.read_bytes()[:200_000])
    elif kind == "other weights":
        torch.save({"weight": torch.zeros(3)}, model)
    else:
        model.write_bytes(b"")
    error = failure(engine, model, speech_clip(PHRASE_3S))
    assert error.code is ErrorCode.SPEECH_MODEL
    assert "model.pt" in error.message


def test_a_missing_model_says_which_file_and_where_models_go(
        engine: SpeechEngine, tmp_path: Path) -> None:
    from assistant.paths import app_paths

    error = failure(engine, tmp_path / "gone" / "base.en.pt", speech_clip(PHRASE_3S))
    assert error.code is ErrorCode.SPEECH_MODEL
    assert "base.en.pt" in error.message and str(tmp_path / "gone") in error.message
    assert str(app_paths().models_dir) in error.message


@pytest.mark.parametrize("kind", ["text", "truncated wav", "missing"])
def test_unusable_audio_files(engine: SpeechEngine, tiny_en: Path, tmp_path: Path,
                              kind: str) -> None:
    audio = tmp_path / "question.wav"
    if kind == "text":
        audio.write_text("this is a shopping list\n" * 100)
    elif kind == "truncated wav":
        write_wav(audio, speech_clip(PHRASE_3S))
        audio.write_bytes(audio.read_bytes()[:5000])
    error = failure(engine, tiny_en, path=audio)
    assert error.code is ErrorCode.AUDIO
    assert "question.wav" in error.message


def test_a_damaged_recording_and_a_language_tiny_en_cannot_hear(
        engine: SpeechEngine, tiny_en: Path) -> None:
    request = Transcribe(1, str(tiny_en), pcm_bytes(speech_clip(PHRASE_3S))[:-1])
    with pytest.raises(BackendError) as caught:
        engine.transcribe(request, Recorder())
    assert caught.value.code is ErrorCode.AUDIO
    error = failure(engine, tiny_en, speech_clip(PHRASE_3S), language="zh")
    assert error.code is ErrorCode.SPEECH_MODEL and "English only" in error.message
    error = failure(engine, tiny_en, speech_clip(PHRASE_3S), language="klingon")
    assert error.code is ErrorCode.BAD_REQUEST


def test_chinese_speech() -> None:
    pytest.skip("the only Whisper checkpoint available to tests (tiny.en) is English-only")


def test_a_multilingual_model_detects_the_language(tiny_en: Path, tmp_path: Path) -> None:
    """A random-weight multilingual Whisper, tiny in every dimension and saved in fp32 (so
    its weights stay fp32): the language is detected from the speech, whatever it says."""
    from dataclasses import asdict

    import torch
    from whisper.model import ModelDimensions, Whisper
    from whisper.tokenizer import LANGUAGES

    torch.manual_seed(0)
    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2,
                           n_audio_layer=1, n_vocab=51865, n_text_ctx=448, n_text_state=64,
                           n_text_head=2, n_text_layer=1)
    whisper = Whisper(dims)
    torch.nn.init.normal_(whisper.decoder.positional_embedding, std=0.02)  # torch.empty
    model = tmp_path / "random-multilingual.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": whisper.state_dict()}, model)
    engine = SpeechEngine(threads=2)
    done = transcribe(engine, model, speech_clip(PHRASE_3S))
    assert done.language in LANGUAGES
    assert engine.runner is not None and engine.runner.multilingual
    assert not engine.runner.fp16_weights  # fp32 weights are not rounded to fp16
    chosen = transcribe(engine, model, speech_clip(PHRASE_3S), language="zh")
    assert chosen.language == "zh"


# --- through the real engine process -------------------------------------------------


@pytest.fixture(scope="module")
def engine_process(tiny_en: Path) -> Iterator[EngineProcess]:
    process = EngineProcess()
    process.start("fake", {"speech_threads": 2})
    assert isinstance(process.recv(), EngineReady)
    yield process
    process.stop(timeout=10)


def until_done(engine: EngineProcess, request_id: int, timeout: float = 120.0,
               on_event=None) -> list[Event]:  # type: ignore[no-untyped-def]
    events: list[Event] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not engine.poll(0.05):
            continue
        event = engine.recv()
        events.append(event)
        if on_event is not None:
            on_event(event)
        if isinstance(event, TranscriptionDone | EngineError | GenerationDone | ModelLoaded) \
                and event.request_id == request_id:
            return events
    raise AssertionError(f"no final event for request {request_id}: {events}")


def test_push_to_talk_through_the_engine_process(engine_process: EngineProcess,
                                                 tiny_en: Path) -> None:
    clip = pcm_bytes(speech_clip(PHRASE_6S))
    engine_process.send(Transcribe(11, str(tiny_en), clip, language="en"))
    first = until_done(engine_process, 11)[-1]
    engine_process.send(Transcribe(12, str(tiny_en), clip))
    second = until_done(engine_process, 12)[-1]
    assert isinstance(first, TranscriptionDone) and isinstance(second, TranscriptionDone)
    assert normalised(first.text) == normalised(PHRASE_6S) and second.text == first.text
    assert second.elapsed_s < first.elapsed_s  # the model stayed loaded

    engine_process.send(Transcribe(13, str(tiny_en), pcm_bytes(white_noise(2.0))))
    noise = until_done(engine_process, 13)[-1]
    assert isinstance(noise, TranscriptionDone) and noise.text == ""


def test_cancelling_a_long_file_in_the_engine_process(engine_process: EngineProcess,
                                                      tiny_en: Path, tmp_path: Path) -> None:
    phrases = [PHRASE_20S] * 6  # ~2 minutes: six windows
    wav = write_wav(tmp_path / "talk.wav", np.concatenate(
        [np.concatenate([speech_clip(p), silence(2.0)]) for p in phrases]))
    sent: list[float] = []

    def cancel_once_transcribing(event: Event) -> None:
        if isinstance(event, TranscriptionProgress) and event.fraction > 0.1 and not sent:
            engine_process.send(Cancel(21))
            sent.append(time.monotonic())

    engine_process.send(Transcribe(21, str(tiny_en), audio_path=str(wav)))
    events = until_done(engine_process, 21, on_event=cancel_once_transcribing)
    done = events[-1]
    assert sent and isinstance(done, TranscriptionDone)
    assert time.monotonic() - sent[0] < 5.0  # between tokens, not after the whole file
    assert done.audio_s > 100 and 0 < done.speech_s < 60
    assert normalised(PHRASE_20S) in normalised(done.text)
    assert len(normalised(done.text)) < 3 * len(normalised(PHRASE_20S))

    engine_process.send(Transcribe(22, str(tiny_en), pcm_bytes(speech_clip(PHRASE_3S))))
    after = until_done(engine_process, 22)[-1]  # the engine goes on serving
    assert isinstance(after, TranscriptionDone)
    assert normalised(after.text) == normalised(PHRASE_3S)


def test_a_transcription_cancelled_while_queued_is_answered_without_work(
        engine_process: EngineProcess, tmp_path: Path) -> None:
    model = write_fake_model(tmp_path / "slow.json", tokens=["a "] * 40, delay_s=0.02)
    engine_process.send(LoadModel(31, str(model), LoadParams(n_ctx=64)))
    engine_process.send(Generate(32, (ChatTurn(Role.USER, "hi"),)))
    engine_process.send(Transcribe(33, str(tmp_path / "never-loaded.pt"), b"\0" * 64))
    engine_process.send(Cancel(33))
    events = until_done(engine_process, 33)
    done = events[-1]
    assert isinstance(done, TranscriptionDone) and done.text == ""
    assert not any(isinstance(e, EngineError) for e in events)


def test_a_malicious_checkpoint_through_the_engine_process(
        engine_process: EngineProcess, tmp_path: Path) -> None:
    import torch

    marker = tmp_path / "pwned.txt"
    evil = tmp_path / "whisper-small.pt"
    with evil.open("wb") as file:  # torch's legacy (plain pickle) format, this time
        torch.save({"dims": _WritesAMarker(marker)}, file, _use_new_zipfile_serialization=False)
    engine_process.send(Transcribe(41, str(evil), pcm_bytes(silence(1.0))))
    error = until_done(engine_process, 41)[-1]
    assert isinstance(error, EngineError) and error.code is ErrorCode.SPEECH_MODEL
    assert "whisper-small.pt" in error.message
    assert not marker.exists()
    torch.load(evil, weights_only=False)  # the control: loaded unsafely, it does run
    assert marker.exists()


def test_a_copy_of_the_model_elsewhere_replaces_the_loaded_one(
        engine: SpeechEngine, tiny_en: Path, tmp_path: Path) -> None:
    copy = tmp_path / "models" / "tiny.en.pt"
    copy.parent.mkdir()
    shutil.copyfile(tiny_en, copy)
    transcribe(engine, tiny_en, speech_clip(PHRASE_3S))
    first = engine.runner
    done = transcribe(engine, copy, speech_clip(PHRASE_3S))
    assert engine.runner is not first
    assert normalised(done.text) == normalised(PHRASE_3S)
    copy.unlink()
    transcribe(engine, tiny_en, speech_clip(PHRASE_3S))  # back to the first path: reloaded
    assert engine.runner is not first
    with pytest.raises(BackendError):
        transcribe(engine, copy, speech_clip(PHRASE_3S))  # another path: loaded again
