"""``mosaic transcribe``: an audio file to text with a local Whisper model, printed to stdout.

The file is decoded and transcribed in an engine process, exactly as push-to-talk
recordings are (voice-activity detection, then Whisper on the speech only). No speech at
all prints nothing and succeeds.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import TextIO

from assistant.core.protocol import (
    EngineError,
    Transcribe,
    TranscriptionDone,
    TranscriptionProgress,
)
from assistant.core.settings import SPEECH_LANGUAGES, WHISPER_MODELS, load_settings

EXIT_OK = 0
EXIT_FAILED = 1


class TranscribeFailed(Exception):
    """A failure before the engine starts; ``str()`` is one sentence for the person."""


def add_transcribe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="an audio file (wav, flac, ogg or mp3)")
    parser.add_argument("--model", default=None, metavar="W",
                        help="a Whisper model name (" + ", ".join(WHISPER_MODELS) + ") found "
                             "in Mosaic's models folder, or the path of a .pt file "
                             "(default: the speech model chosen in Settings)")
    parser.add_argument("--language", default=None, metavar="L",
                        help="the spoken language as a Whisper code such as "
                             + " or ".join(repr(c) for c in SPEECH_LANGUAGES if c != "auto")
                             + ", or 'auto' to detect it (default: as in Settings)")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="CPU threads (default: physical cores)")
    parser.add_argument("--cpu", action="store_true",
                        help="run on the CPU even when a GPU is available")
    parser.add_argument("--timings", action="store_true",
                        help="print the audio and speech length and the time taken to stderr")


def resolve_whisper_model(given: str, models_dir: Path) -> Path:
    """The checkpoint meant by ``given``: a path to a .pt file, or a name from
    WHISPER_MODELS looked up in ``models_dir``; raises TranscribeFailed."""
    from assistant.models.speech_models import find_whisper_checkpoint, whisper_file_names

    if given.endswith(".pt") or "/" in given or "\\" in given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise TranscribeFailed(f"The Whisper model file {path} was not found; check the "
                                   "path given with --model.")
        return path.resolve()
    if given not in WHISPER_MODELS:
        raise TranscribeFailed(f"{given!r} is not a Whisper model name; use one of "
                               f"{', '.join(WHISPER_MODELS)}, or the path of a .pt file.")
    found = find_whisper_checkpoint(models_dir, given)
    if found is None:
        raise TranscribeFailed(f"The Whisper model {given} was not found: put "
                               f"{whisper_file_names(given)[0]} in {models_dir}, or pass "
                               "--model PATH.pt.")
    return found.resolve()


def run_transcribe(args: argparse.Namespace, stdout: TextIO | None = None,
                   stderr: TextIO | None = None) -> int:
    """Transcribe ``args.file`` in an engine process; returns the exit status."""
    from assistant.engine.process import EngineDied, EngineProcess
    from assistant.paths import app_paths

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    paths = app_paths()
    speech = load_settings(paths.settings_file).speech
    try:
        if args.threads is not None and args.threads < 1:
            raise TranscribeFailed("--threads must be at least 1.")
        model = resolve_whisper_model(args.model or speech.whisper_model, paths.models_dir)
        audio = Path(args.file).expanduser()
        if not audio.is_file():
            raise TranscribeFailed(f"The audio file {audio} was not found.")
    except TranscribeFailed as exc:
        print(f"mosaic transcribe: {exc}", file=err)
        return EXIT_FAILED
    language = args.language if args.language is not None else speech.language
    request = Transcribe(1, str(model), audio_path=str(audio.resolve()),
                         language=None if language.strip().lower() in ("", "auto") else language,
                         use_gpu=speech.use_gpu and not args.cpu)
    show_progress = err.isatty()
    engine = EngineProcess()
    engine.start(options={"speech_threads": args.threads} if args.threads else None)
    try:
        engine.send(request)
        while True:
            event = engine.recv()
            if isinstance(event, TranscriptionProgress) and show_progress:
                err.write(f"\rtranscribing {audio.name}: {event.fraction:.0%}")
                err.flush()
            elif isinstance(event, EngineError):
                if show_progress:
                    err.write("\r\033[K")
                print(f"mosaic transcribe: {event.message}", file=err)
                return EXIT_FAILED
            elif isinstance(event, TranscriptionDone):
                if show_progress:
                    err.write("\r\033[K")
                if event.text:
                    print(event.text, file=out)
                    out.flush()
                if args.timings:
                    print(f"[timings] {event.audio_s:.1f} s of audio, {event.speech_s:.1f} s "
                          f"of speech, language {event.language or 'none'}, transcribed in "
                          f"{event.elapsed_s:.2f} s", file=err)
                return EXIT_OK
    except EngineDied as exc:
        print(f"mosaic transcribe: {_died_message(exc.exit_code, audio, model)}", file=err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    finally:
        engine.stop()


def _died_message(exit_code: int | None, audio: Path, model: Path) -> str:
    """What to do when the engine process ended while it transcribed."""
    how = ""
    if exit_code is not None and exit_code < 0:
        try:
            how = f" ({signal.Signals(-exit_code).name})"
        except ValueError:
            how = f" (signal {-exit_code})"
    return (f"The engine stopped while transcribing {audio.name}{how}: the audio file or the "
            f"Whisper model {model.name} may be damaged, or memory ran out; try another file "
            "or model.")
