"""The settings dialog's "Speech" section: microphone, Whisper model, language, the key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from assistant.core.settings import SPEECH_LANGUAGES, WHISPER_MODELS, SpeechSettings
from assistant.ui.form_rows import field_row, set_text_color
from assistant.ui.notice_bar import error_color
from assistant.ui.push_to_talk import key_text, parse_key, shortcut_problem
from assistant.ui.recording_bar import LevelMeter


def language_name(code: str) -> str:
    """A spoken language's name for the list ("auto": "Detect automatically")."""
    names = {
        "auto": QCoreApplication.translate("SpeechSettingsGroup", "Detect automatically"),
        "en": QCoreApplication.translate("SpeechSettingsGroup", "English"),
        "zh": QCoreApplication.translate("SpeechSettingsGroup", "Chinese"),
    }
    return names.get(code) or SPEECH_LANGUAGES.get(code, code)


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    label.setVisible(bool(text))
    return label


def _select_data(combo: QComboBox, value: object, text: str) -> None:
    """Select the item whose data is ``value``, adding one shown as ``text`` if none is."""
    index = combo.findData(value)
    if index < 0:
        combo.addItem(text, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class SpeechSettingsGroup(QGroupBox):
    """Edits :class:`SpeechSettings`: :meth:`load` them, change them, take :meth:`result`.

    The owner lists the microphones (:meth:`set_devices`) and the Whisper models present
    (:meth:`set_available_models`), and runs the microphone test: ``testRequested(device)``
    (``None`` for the system default), then :meth:`set_test_level` and
    :meth:`set_test_message`. A push-to-talk key that :func:`shortcut_problem` refuses is
    not taken: the sentence shows and the key stays what it was.
    """

    testRequested = Signal(object)  # str | None: the device name, None for the default

    def __init__(self, parent: QWidget | None = None,
                 shortcuts_in_use: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Speech"))
        self.setObjectName("speechSettings")
        # Never squeezed by the dialog: a sentence that appears must show whole.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._loaded = SpeechSettings()
        self._key = self._loaded.push_to_talk_key
        self._available: set[str] | None = None
        self._in_use = dict(shortcuts_in_use or {})

        self.device = QComboBox()
        self.device.setAccessibleName(self.tr("Microphone"))
        self.device.setToolTip(self.tr("The microphone that push-to-talk records from."))
        # Device names can be long ("alsa_input.pci-…"): the popup shows them whole.
        self.device.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.device.setMinimumContentsLength(22)
        self.device.addItem(self.tr("System default"), None)
        self.test_button = QPushButton(self.tr("T&est"))
        self.test_button.setAutoDefault(False)
        self.test_button.setAccessibleName(self.tr("Test the microphone"))
        self.test_button.setToolTip(self.tr("Say something: the meter shows whether the "
                                            "microphone hears you."))
        self.test_button.clicked.connect(self._on_test)
        self.test_meter = LevelMeter()
        self.test_meter.setFixedSize(80, 8)
        self.test_meter.setAccessibleName(self.tr("Test level"))
        self.test_meter.setAccessibleDescription(
            self.tr("How loud the microphone hears you during a test"))
        self.test_message = _note()
        self.test_message.setObjectName("speechTestMessage")

        self.model = QComboBox()
        self.model.setAccessibleName(self.tr("Whisper model"))
        self.model.setToolTip(self.tr("The speech recognition model: larger ones are more "
                                      "accurate and slower; “.en” ones understand English "
                                      "only."))
        for name in WHISPER_MODELS:
            self.model.addItem(name, name)
        self.model.currentIndexChanged.connect(self._sync_language)

        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("Spoken language"))
        for code in SPEECH_LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.language_note = _note()
        self.language_note.setWordWrap(False)  # short, beside the list
        self.language_note.setEnabled(False)

        self.use_gpu = QCheckBox(self.tr("&Use the GPU when there is one"))
        self.use_gpu.setToolTip(self.tr("Transcribe on the graphics card when one is "
                                        "available; otherwise the CPU is used."))
        self.auto_send = QCheckBox(self.tr("Send the transcript at &once"))
        self.auto_send.setToolTip(self.tr("Off: the words go into the message box for you to "
                                          "check and send."))

        self.key_edit = QKeySequenceEdit()
        self.key_edit.setAccessibleName(self.tr("Push-to-talk key"))
        self.key_edit.setToolTip(self.tr("Click, then press the key (or key combination) to "
                                         "hold while you speak."))
        self.key_edit.setMaximumSequenceLength(1)
        self.key_edit.setMinimumWidth(130)
        # A new recording first clears the sequence: judge the key only once it is done.
        self.key_edit.editingFinished.connect(self._on_key_chosen)
        self.key_problem_label = _note()
        self.key_problem_label.setObjectName("pushToTalkProblem")
        set_text_color(self.key_problem_label, error_color(self.palette()))

        device_row = field_row(self.device, self.test_button, self.test_meter)
        model_row = field_row(self.model)
        language_row = field_row(self.language, self.language_note)
        key_row = field_row(self.key_edit)

        form = QFormLayout(self)
        # Rows and notes take the width; the controls inside rows keep their own size.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("M&icrophone:"), device_row)
        form.addRow("", self.test_message)
        form.addRow(self.tr("&Whisper model:"), model_row)
        form.addRow(self.tr("&Language:"), language_row)
        form.addRow("", self.use_gpu)
        form.addRow("", self.auto_send)
        form.addRow(self.tr("Push-to-talk ke&y:"), key_row)
        form.addRow("", self.key_problem_label)
        for field, buddy in ((device_row, self.device), (model_row, self.model),
                             (language_row, self.language), (key_row, self.key_edit)):
            label = form.labelForField(field)
            if isinstance(label, QLabel):
                label.setBuddy(buddy)
        self.load(self._loaded)

    # -- what the owner provides -----------------------------------------------------------

    def set_devices(self, names: Iterable[str], default_name: str | None = None) -> None:
        """List the microphones; ``default_name`` is the one the system uses by default.
        The chosen device stays chosen, marked "(not connected)" when it is not listed."""
        chosen = self.device.currentData()
        self.device.blockSignals(True)
        self.device.clear()
        default = (self.tr("System default ({device})").format(device=default_name)
                   if default_name else self.tr("System default"))
        self.device.addItem(default, None)
        for name in dict.fromkeys(names):
            self.device.addItem(name, name)
        _select_data(self.device, chosen, self._not_connected(chosen))
        self.device.blockSignals(False)

    def device_names(self) -> list[str]:
        """The devices listed (not "System default")."""
        return [self.device.itemData(i) for i in range(1, self.device.count())]

    def set_available_models(self, present: Iterable[str]) -> None:
        """Mark the Whisper models that are not downloaded yet."""
        self._available = set(present)
        for index in range(self.model.count()):
            name = self.model.itemData(index)
            missing = name not in self._available
            self.model.setItemText(index, self.tr("{model} (not downloaded)").format(model=name)
                                   if missing else name)

    def set_test_level(self, level: float) -> None:
        self.test_meter.set_level(level)

    def set_test_message(self, text: str) -> None:
        """A sentence under the microphone, e.g. "No microphone found…" ("" hides it)."""
        self.test_message.setText(text)
        self.test_message.setVisible(bool(text))

    def set_testing(self, testing: bool) -> None:
        """While a test records, the button waits; afterwards the meter rests at 0."""
        self.test_button.setEnabled(not testing)
        self.test_button.setText(self.tr("Testing…") if testing else self.tr("T&est"))
        if not testing:
            self.test_meter.set_level(0.0)

    # -- settings in and out ---------------------------------------------------------------

    def load(self, settings: SpeechSettings) -> None:
        self._loaded = settings
        device = settings.input_device
        _select_data(self.device, device, self._not_connected(device))
        model = settings.whisper_model
        _select_data(self.model, model, model)
        language = settings.language
        _select_data(self.language, language, language_name(language))
        self.use_gpu.setChecked(settings.use_gpu)
        self.auto_send.setChecked(settings.auto_send)
        problem = shortcut_problem(settings.push_to_talk_key, self._in_use)
        self._key = SpeechSettings().push_to_talk_key if problem else settings.push_to_talk_key
        self._show_key()
        self._show_key_problem(problem)
        self._sync_language()

    def result(self) -> SpeechSettings:
        """The settings as shown (a refused key is never in them)."""
        return replace(
            self._loaded,
            input_device=self.device.currentData(),
            whisper_model=self.model.currentData(),
            language=self.language.currentData(),
            use_gpu=self.use_gpu.isChecked(),
            auto_send=self.auto_send.isChecked(),
            push_to_talk_key=self._key,
        )

    def push_to_talk_key(self) -> str:
        return self._key

    def key_problem(self) -> str:
        """Why the last key pressed was refused ("" when it was taken)."""
        return self.key_problem_label.text() if self.key_problem_label.isVisibleTo(self) \
            else ""

    # -- internals -------------------------------------------------------------------------

    def _not_connected(self, device: object) -> str:
        return self.tr("{device} (not connected)").format(device=device)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # the error colour for the new theme
            set_text_color(self.key_problem_label, error_color(self.palette()))
        super().changeEvent(event)

    def _on_test(self) -> None:
        self.set_test_message("")
        self.testRequested.emit(self.device.currentData())

    def _show_key(self) -> None:
        self.key_edit.blockSignals(True)
        self.key_edit.setKeySequence(parse_key(self._key))
        self.key_edit.blockSignals(False)

    def _show_key_problem(self, problem: str) -> None:
        if problem:
            problem = self.tr("{problem} The key stays {key}.").format(
                problem=problem, key=key_text(self._key))
        self.key_problem_label.setText(problem)
        self.key_problem_label.setVisible(bool(problem))

    def _on_key_chosen(self) -> None:
        text = self.key_edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        problem = shortcut_problem(text, self._in_use)
        if not problem:
            self._key = text
        else:
            self._show_key()  # the old key comes back; the sentence says why
        self._show_key_problem(problem)

    def _sync_language(self) -> None:
        model = self.model.currentData() or ""
        english_only = model.endswith(".en")
        self.language.setEnabled(not english_only)
        note = (self.tr("{model} understands English only.").format(model=model)
                if english_only else "")
        self.language_note.setText(note)
        self.language_note.setVisible(bool(note))
