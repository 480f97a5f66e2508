"""Sending, streaming, stopping, regenerating and editing: one answer at a time.

Durability: the user message is committed before the request goes out, and streamed text is
committed before it is painted, so nothing the person saw can be lost.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Slot

from assistant.core.attachments import AudioAttachment
from assistant.core.messages import ChatTurn, MessageStatus, Role
from assistant.core.protocol import EngineError, FinishReason, GenerationDone, GenerationStarted
from assistant.storage.chat_repository import StoredMessage
from assistant.storage.errors import StorageError
from assistant.ui.attachment_controller import AttachmentController
from assistant.ui.composer import Composer
from assistant.ui.conversation_controller import ConversationController
from assistant.ui.message_view import MessageView
from assistant.ui.model_controller import ModelController
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.speech_controller import SpeechController

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from assistant.ui.launch import AppServices

log = logging.getLogger(__name__)

# Source texts (English); notices show them translated (see ``ChatController._say``).
NO_MODEL = QT_TRANSLATE_NOOP(
    "ChatController", "Load a model first: choose one in the bar above (or Open… a .gguf file).")
BUSY = QT_TRANSLATE_NOOP("ChatController",
                         "Mosaic is still answering; wait for it or press Stop (Esc).")
SAVE_FAILED = QT_TRANSLATE_NOOP(
    "ChatController", "Could not save to the chat database ({reason}); the answer is still "
    "shown, but free some disk space so it can be kept.")
STILL_PREPARING = QT_TRANSLATE_NOOP(
    "ChatController", "Wait a moment: the attached images are still being prepared.")


@dataclass
class _Answer:
    """The answer being streamed now."""

    request_id: int
    message_id: int
    conversation_id: int
    text: str = ""
    notices: list[str] = field(default_factory=list)


def turns_for_prompt(messages: list[StoredMessage]) -> tuple[ChatTurn, ...]:
    """The history the model sees: every shown message except failed or empty answers."""
    turns = []
    for message in messages:
        if message.role is Role.ASSISTANT and (message.status is MessageStatus.ERROR
                                               or not message.text.strip()):
            continue
        turns.append(ChatTurn(message.role, message.text, message.images))
    return tuple(turns)


class ChatController(QObject):
    """Connects the composer and transcript to the repository and the engine client."""

    def __init__(self, services: AppServices, conversations: ConversationController,
                 models: ModelController, view: MessageView, composer: Composer,
                 attachments: AttachmentController, speech: SpeechController | None,
                 notice_bar: NoticeBar, window: QWidget) -> None:
        super().__init__(window)
        self._repo = services.repository
        self._settings = services.settings
        self._engine = services.engine
        self._conversations = conversations
        self._models = models
        self._view = view
        self._composer = composer
        self._attachments = attachments
        self._speech = speech
        if speech is not None:
            speech.spokenMessageReady.connect(self.send_spoken)
        self._notice = notice_bar
        self._offered_model: str | None = None  # the vision model a notice offers
        self._answer: _Answer | None = None
        self._save_failed = False
        composer.submitted.connect(self.send)
        composer.stopRequested.connect(self.stop)
        view.regenerateRequested.connect(self.regenerate)
        view.editSubmitted.connect(self.edit_and_resend)
        conversations.currentChanged.connect(self.show_conversation)
        conversations.conversationDeleted.connect(self._conversation_deleted)
        notice_bar.actionRequested.connect(self._use_offered_model)
        self._engine.generationStarted.connect(self._started)
        self._engine.tokensArrived.connect(self._tokens)
        self._engine.generationFinished.connect(self._finished)
        self._engine.requestFailed.connect(self._failed)
        view.set_placeholder(self.tr("Load a model and say hello."))

    @property
    def is_generating(self) -> bool:
        return self._answer is not None

    # --- showing -------------------------------------------------------------------------

    @Slot(object)
    def show_conversation(self, conversation_id: int | None) -> None:
        if conversation_id is None:
            self._view.clear()
        else:
            self._view.set_messages(self._repo.messages(conversation_id))
            self._say_if_model_gone(conversation_id)
        self._composer.focus_input()

    def _say_if_model_gone(self, conversation_id: int) -> None:
        """A conversation whose model file was deleted stays; the person is told."""
        conversation = self._repo.conversation(conversation_id)
        path = conversation.model_path if conversation else None
        if path and not Path(path).exists():
            self._notice.show_info(self.tr(
                "This conversation was with {model}, which is no longer on this computer; the "
                "model loaded now answers from here on.").format(model=Path(path).name))

    # --- sending -------------------------------------------------------------------------

    @Slot(str)
    def send(self, text: str) -> None:
        """Commit the person's message, then ask for an answer. Nothing typed is lost."""
        recording = self._speech.pending_recording if self._speech else None
        if self._send(text, recording) and self._speech is not None:
            self._speech.keep_pending_recording(None)  # it went with the message

    @Slot(str, object)
    def send_spoken(self, transcript: str, recording: AudioAttachment | None) -> None:
        """Send a transcript at once (after what was already typed), with its recording."""
        text = f"{self._composer.text().strip()} {transcript}".strip()
        if not self._send(text, recording):
            self._composer.set_text(text)  # refused: keep the words for the person
            if recording is not None and self._speech is not None:
                self._speech.keep_pending_recording(recording)

    def _send(self, text: str, recording: AudioAttachment | None) -> bool:
        """Save and ask; False when refused (the reason is shown, nothing is lost)."""
        images = self._attachments.pending()
        if not text.strip() and not images:
            return False
        if self.is_generating:
            self._notice.show_info(self.tr(BUSY))
            return False
        if not self._models.has_model:
            self._notice.show_error(self.tr(NO_MODEL))
            return False
        if self._attachments.is_preparing:
            self._notice.show_info(self.tr(STILL_PREPARING))
            return False
        if images and not self._can_see():
            self._offer_vision_models()
            return False  # the text and the images stay in the composer
        try:
            conversation_id = self._conversations.ensure_current()
            message = self._repo.add_message(conversation_id, Role.USER, text, images=images,
                                             audio=recording)
        except StorageError as exc:
            self._notice.show_error(str(exc))
            return False
        except sqlite3.Error as exc:
            self._notice.show_error(self.tr(SAVE_FAILED).format(reason=exc))
            return False  # the text stays in the composer
        self._composer.clear()
        self._attachments.clear()
        self._view.append_message(message)
        self._conversations.refresh()
        self._ask(conversation_id)
        return True

    def _can_see(self) -> bool:
        """Whether the loaded model takes images (a model still loading gets the benefit)."""
        return self._models.is_loading or self._models.image_budget() is not None

    def _offer_vision_models(self) -> None:
        """Say so before sending, and offer the vision models the person has."""
        name = self._models.loaded_model_name()
        others = [path for path in self._models.vision_models()
                  if path != self._models.loaded_model_path()]
        if not others:
            if name:
                sentence = self.tr(
                    "{model} cannot see images, so it would answer without looking at them. "
                    "Put a vision model and its mmproj file in the models folder, or choose "
                    "this model's mmproj with Vision… in the model bar.").format(model=name)
            else:
                sentence = self.tr(
                    "The loaded model cannot see images, so it would answer without looking at "
                    "them. Put a vision model and its mmproj file in the models folder, or "
                    "choose this model's mmproj with Vision… in the model bar.")
            self._notice.show_error(sentence)
            return
        names = ", ".join(Path(path).name for path in others[:3])
        self._offered_model = others[0]
        if name:
            sentence = self.tr(
                "{model} cannot see images, so it would answer without looking at them. Vision "
                "models you have: {names}.").format(model=name, names=names)
        else:
            sentence = self.tr(
                "The loaded model cannot see images, so it would answer without looking at "
                "them. Vision models you have: {names}.").format(names=names)
        self._notice.show_action(
            sentence, self.tr("Use {model}").format(model=Path(others[0]).name))

    @Slot()
    def _use_offered_model(self) -> None:
        if self._offered_model is not None:
            path, self._offered_model = self._offered_model, None
            self._models.switch_to(path)

    def _ask(self, conversation_id: int) -> None:
        conversation = self._repo.conversation(conversation_id)
        model_path = self._models.loaded_model_path()
        if conversation is not None and model_path and conversation.model_path != model_path:
            with contextlib.suppress(StorageError):  # only used to say when it is deleted
                self._repo.set_conversation_model(conversation_id, model_path)
        history = turns_for_prompt(self._repo.messages(conversation_id))
        placeholder = self._repo.add_message(conversation_id, Role.ASSISTANT, "",
                                             status=MessageStatus.STREAMING,
                                             model=self._models.loaded_model_name())
        self._view.append_message(placeholder)
        request_id = self._engine.generate(
            history, conversation.system_prompt if conversation else "",
            self._settings.current.sampling)
        self._answer = _Answer(request_id, placeholder.id, conversation_id)
        self._save_failed = False
        self._composer.set_generating(True)

    @Slot()
    def stop(self) -> None:
        if self._answer is not None:
            self._engine.cancel(self._answer.request_id)

    @Slot(int)
    def regenerate(self, message_id: int) -> None:
        """Replace an answer (the last one) with a fresh one."""
        message = self._repo.message(message_id)
        if message is None or self.is_generating:
            return
        if not self._models.has_model:
            self._notice.show_error(self.tr(NO_MODEL))
            return
        self._repo.delete_messages_from(message_id)
        self._view.remove_messages_from(message_id)
        self._ask(message.conversation_id)

    @Slot(int, str)
    def edit_and_resend(self, message_id: int, text: str) -> None:
        """Change an earlier message of the person's and answer again from there."""
        message = self._repo.message(message_id)
        if message is None or not text.strip():
            return
        if self.is_generating:
            self._notice.show_info(self.tr(BUSY))
            self.show_conversation(message.conversation_id)
            return
        if not self._models.has_model:
            self._notice.show_error(self.tr(NO_MODEL))
            self.show_conversation(message.conversation_id)
            return
        later = [m for m in self._repo.messages(message.conversation_id) if m.id > message_id]
        if later:
            self._repo.delete_messages_from(later[0].id)
        self._repo.update_message_text(message_id, text)
        self.show_conversation(message.conversation_id)
        self._ask(message.conversation_id)

    # --- streaming -----------------------------------------------------------------------

    def _shown(self, answer: _Answer) -> bool:
        return answer.conversation_id == self._conversations.current_id

    @Slot(object)
    def _started(self, started: GenerationStarted) -> None:
        answer = self._answer
        if answer is None or started.request_id != answer.request_id:
            return
        if started.dropped_turns:
            if started.dropped_turns == 1:
                note = self.tr("1 earlier message was left out to fit the model's context.")
            else:
                note = self.tr("{count} earlier messages were left out to fit the model's "
                               "context.").format(count=started.dropped_turns)
            self._add_notice(answer, note)

    @Slot(int, str)
    def _tokens(self, request_id: int, text: str) -> None:
        answer = self._answer
        if answer is None or request_id != answer.request_id:
            return
        answer.text += text
        self._save(self._repo.update_streaming_text, answer.message_id, answer.text)
        if self._shown(answer):
            self._view.append_text(answer.message_id, text)

    @Slot(object)
    def _finished(self, done: GenerationDone) -> None:
        answer = self._answer
        if answer is None or done.request_id != answer.request_id:
            return
        status = (MessageStatus.STOPPED if done.finish is FinishReason.STOPPED
                  else MessageStatus.COMPLETE)
        if done.finish is FinishReason.LENGTH:
            self._add_notice(answer, self.tr("The answer reached its length limit (Max "
                                             "tokens in Settings, or the context)."))
        self._end(answer, status, done, None)

    def _add_notice(self, answer: _Answer, text: str) -> None:
        answer.notices.append(text)
        if self._shown(answer):
            self._view.set_notice(answer.message_id, " ".join(answer.notices))

    @Slot(object)
    def _failed(self, error: EngineError) -> None:
        answer = self._answer
        if answer is None or error.request_id != answer.request_id:
            return
        self._end(answer, MessageStatus.ERROR, None, error.message)

    def _end(self, answer: _Answer, status: MessageStatus, done: GenerationDone | None,
             error: str | None) -> None:
        self._answer = None
        timings = done.timings if done is not None else None
        self._save(self._repo.finish_message, answer.message_id, answer.text, status,
                   timings, error)
        if self._shown(answer):
            self._view.set_message_state(answer.message_id, status, timings, error,
                                         self._models.loaded_model_name())
        self._composer.set_generating(False)
        self._conversations.refresh()

    def _save(self, write: Callable[..., object], *args: object) -> None:
        try:
            write(*args)
        except sqlite3.Error as exc:
            if not self._save_failed:
                self._save_failed = True
                self._notice.show_error(self.tr(SAVE_FAILED).format(reason=exc))

    @Slot(int)
    def _conversation_deleted(self, conversation_id: int) -> None:
        if self._answer is not None and self._answer.conversation_id == conversation_id:
            self.stop()

    def finish_for_shutdown(self) -> None:
        """The window is closing: keep the partial answer as stopped."""
        answer = self._answer
        if answer is None:
            return
        self._engine.cancel(answer.request_id)
        self._answer = None
        self._save(self._repo.finish_message, answer.message_id, answer.text,
                   MessageStatus.STOPPED, None, None)
