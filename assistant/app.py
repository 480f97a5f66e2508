"""Entry points: the window (no arguments) and headless sub-commands (``mosaic ask …``).

Nothing here imports Qt, torch, whisper or llama_cpp at module level: ``mosaic ask`` and
``mosaic transcribe`` never load Qt, and the window appears before any model library is
imported (those live in the engine process only).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assistant import APP_NAME, __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mosaic", description=f"{APP_NAME}: an offline, local, multimodal assistant.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop-entry", action="store_true",
        help="add Mosaic to this user's application menu (Linux: a .desktop launcher and "
             "icons under ~/.local/share), then exit")
    desktop.add_argument(
        "--uninstall-desktop-entry", action="store_true",
        help="remove the launcher and icons --install-desktop-entry added, then exit")
    # Packaging check: open the window offscreen, wait for the engine process, exit 0.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    from assistant.cli.ask import add_ask_arguments

    add_ask_arguments(commands.add_parser(
        "ask", help="answer one question with a local GGUF model, streamed to stdout",
        description="Answer one question with a local GGUF model, about images too with "
                    "--image; the answer streams to stdout as it is generated. Exit status "
                    "is non-zero on failure."))
    from assistant.cli.transcribe import add_transcribe_arguments

    add_transcribe_arguments(commands.add_parser(
        "transcribe", help="turn speech in an audio file into text with a local Whisper model",
        description="Transcribe an audio file (wav, flac, ogg or mp3) with a local Whisper "
                    "model and print the text; nothing is printed when there is no speech. "
                    "Exit status is non-zero on failure."))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run Mosaic; returns the process exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "ask":
        from assistant.cli.ask import run_ask

        return run_ask(args)
    if args.command == "transcribe":
        from assistant.cli.transcribe import run_transcribe

        return run_transcribe(args)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from assistant.desktop_entry import install_for_current_user, uninstall_for_current_user

        if args.install_desktop_entry:
            return install_for_current_user()
        return uninstall_for_current_user()
    from assistant.ui.launch import run_window

    return run_window(smoke_test=args.smoke_test)


if __name__ == "__main__":
    sys.exit(main())
