"""The settings dialog: how answers are sampled, how models are loaded, the default prompt,
speech, downloads, and how Mosaic looks."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assistant.core.settings import Settings
from assistant.ui.appearance_settings import AppearanceSettingsGroup
from assistant.ui.combo_sizing import fit_to_items
from assistant.ui.form_rows import field_row
from assistant.ui.network_settings import NetworkSettingsGroup
from assistant.ui.speech_settings import SpeechSettingsGroup
from assistant.ui.theme import ThemeSnapshot, apply_theme, restore_theme, theme_snapshot

SEED_MAX = 2**31 - 1
GPU_ALL, GPU_NONE, GPU_COUNT = range(3)


_SPIN_WIDTH = 130


def _form(group: QGroupBox) -> QFormLayout:
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


def _double_spin(minimum: float, maximum: float, step: float, tip: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setMinimumWidth(_SPIN_WIDTH)
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setDecimals(2)
    spin.setToolTip(tip)
    return spin


def _int_spin(minimum: int, maximum: int, tip: str, step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setMinimumWidth(_SPIN_WIDTH)
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setGroupSeparatorShown(True)
    spin.setToolTip(tip)
    return spin


def _page(*groups: QWidget) -> QWidget:
    """A tab: the groups stacked, the last one taking the spare height."""
    page = QWidget()
    layout = QVBoxLayout(page)
    for index, group in enumerate(groups):
        layout.addWidget(group, 1 if index == len(groups) - 1 and len(groups) > 1 else 0)
    if len(groups) == 1:
        layout.addStretch(1)
    return page


def _buddy(form: QFormLayout, field: QWidget, target: QWidget) -> None:
    """Let the row label's mnemonic focus ``target`` inside a composite field."""
    label = form.labelForField(field)
    if isinstance(label, QLabel):
        label.setBuddy(target)


class SettingsDialog(QDialog):
    """Edits a copy of ``settings``; ``result_settings()`` gives the edited copy.

    ``None`` in the loading options means "decide from this machine" and is shown as
    "Automatic" / "All (when a GPU is available)", never turned into a number.

    The Speech section is :attr:`speech`; its microphone list and downloaded Whisper models
    come from the optional arguments (the owner connects ``speech.testRequested``).

    A theme picked in :attr:`appearance` shows at once; Cancel puts the previous look back.
    """

    def __init__(self, settings: Settings, physical_cores: int,
                 parent: QWidget | None = None, *,
                 input_devices: Iterable[str] | None = None,
                 default_input_device: str | None = None,
                 whisper_models_present: Iterable[str] | None = None,
                 shortcuts_in_use: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings
        self._physical_cores = max(1, physical_cores)

        # Generation
        self.temperature = _double_spin(
            0.0, 2.0, 0.05, self.tr("Higher is more varied, lower more focused; 0 always "
                                    "picks the most likely word."))
        self.top_p = _double_spin(0.0, 1.0, 0.01, self.tr(
            "Sample only from the most likely words whose chances add up to this much "
            "(1 = off)."))
        self.top_k = _int_spin(0, 200, self.tr("Sample only from this many most likely "
                                               "words."))
        self.top_k.setSpecialValueText(self.tr("Off"))
        self.min_p = _double_spin(0.0, 1.0, 0.01, self.tr(
            "Skip words less likely than this fraction of the most likely one (0 = off)."))
        self.repeat_penalty = _double_spin(1.0, 2.0, 0.05, self.tr(
            "Discourage repeating recent words (1 = off)."))
        self.max_tokens = _int_spin(16, 32768, self.tr("The longest answer, in tokens."),
                                    step=16)
        self.random_seed = QCheckBox(self.tr("Random"))
        self.random_seed.setToolTip(self.tr("A new random seed for every answer"))
        self.seed = _int_spin(0, SEED_MAX, self.tr("A fixed seed makes answers repeatable."))
        self.seed.setGroupSeparatorShown(False)
        self.seed.setAccessibleName(self.tr("Seed number"))
        self.random_seed.toggled.connect(self._sync_enabled)

        generation = QGroupBox(self.tr("Generation"))
        form = _form(generation)
        form.addRow(self.tr("&Temperature:"), self.temperature)
        form.addRow(self.tr("Top-&p:"), self.top_p)
        form.addRow(self.tr("Top-&k:"), self.top_k)
        form.addRow(self.tr("&Min-p:"), self.min_p)
        form.addRow(self.tr("&Repeat penalty:"), self.repeat_penalty)
        form.addRow(self.tr("Ma&x tokens:"), self.max_tokens)
        seed_row = field_row(self.random_seed, self.seed)
        form.addRow(self.tr("&Seed:"), seed_row)
        _buddy(form, seed_row, self.random_seed)

        # Model loading
        self.context_size = _int_spin(512, 131072, self.tr(
            "How many tokens of the conversation the model can see at once; more needs more "
            "memory."), 512)
        self.context_size.setSuffix(self.tr(" tokens"))
        cpu_count = max(os.cpu_count() or 1, self._physical_cores)
        self.threads = _int_spin(0, cpu_count, self.tr("CPU threads used to run the model."))
        self.threads.setSpecialValueText(self.tr("Automatic"))
        threads_note = QLabel(self.tr("default: %n physical core(s)", "", self._physical_cores))
        threads_note.setEnabled(False)
        self.gpu_mode = QComboBox()
        self.gpu_mode.addItems([self.tr("All (when a GPU is available)"),
                                self.tr("None (CPU only)"), self.tr("This many layers:")])
        fit_to_items(self.gpu_mode)
        self.gpu_mode.setAccessibleName(self.tr("GPU layers"))
        self.gpu_mode.setToolTip(self.tr("How many of the model's layers run on the GPU."))
        self.gpu_layers = _int_spin(1, 999, self.tr("Layers to run on the GPU; the rest run "
                                                    "on the CPU."))
        self.gpu_layers.setAccessibleName(self.tr("Number of GPU layers"))
        self.gpu_mode.currentIndexChanged.connect(self._sync_enabled)

        loading = QGroupBox(self.tr("Model loading"))
        load_form = _form(loading)
        load_form.addRow(self.tr("&Context size:"), self.context_size)
        threads_row = field_row(self.threads, threads_note)
        load_form.addRow(self.tr("CPU t&hreads:"), threads_row)
        _buddy(load_form, threads_row, self.threads)
        gpu_row = field_row(self.gpu_mode, self.gpu_layers)
        load_form.addRow(self.tr("&GPU layers:"), gpu_row)
        _buddy(load_form, gpu_row, self.gpu_mode)
        load_note = QLabel(self.tr("These take effect the next time a model is loaded."))
        load_note.setWordWrap(True)
        load_note.setEnabled(False)
        load_form.addRow(load_note)

        # New chats
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setAccessibleName(self.tr("Default system prompt"))
        self.system_prompt.setPlaceholderText(self.tr(
            "For example: You are a concise, friendly assistant."))
        self.system_prompt.setTabChangesFocus(True)
        prompt_label = QLabel(self.tr("&Default system prompt for new chats:"))
        prompt_label.setBuddy(self.system_prompt)
        # No wrapping: a wrapping label would make this box claim its full preferred height
        # from the column (height-for-width), squeezing the Speech box above it.
        prompt_label.setWordWrap(False)
        chats = QGroupBox(self.tr("New chats"))
        chats_layout = QVBoxLayout(chats)
        chats_layout.addWidget(prompt_label)
        chats_layout.addWidget(self.system_prompt)
        self.system_prompt.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)

        # Speech
        self.speech = SpeechSettingsGroup(shortcuts_in_use=shortcuts_in_use)
        self.speech.set_devices(input_devices or [], default_input_device)
        if whisper_models_present is not None:
            self.speech.set_available_models(whisper_models_present)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.clicked.connect(self._on_button)

        # One page per concern keeps the dialog small enough for a laptop screen.
        self.tabs = QTabWidget(self)
        self.tabs.addTab(_page(generation, chats), self.tr("&Answers"))
        self.tabs.addTab(_page(loading), self.tr("&Models"))
        self.tabs.addTab(_page(self.speech), self.tr("S&peech"))
        self.network = NetworkSettingsGroup()
        self.tabs.addTab(_page(self.network), self.tr("&Network"))
        self.appearance = AppearanceSettingsGroup()
        self.tabs.addTab(_page(self.appearance), self.tr("App&earance"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.setMinimumSize(self.minimumSizeHint())
        self._show(settings)
        self._theme_before: ThemeSnapshot | None = None  # set by the first preview
        self.appearance.theme.currentIndexChanged.connect(self._preview_theme)

    def _on_button(self, button: QAbstractButton) -> None:
        role = self.buttons.buttonRole(button)
        if role == QDialogButtonBox.ButtonRole.ResetRole:
            self.restore_defaults()

    def restore_defaults(self) -> None:
        """Put every control back to its default (kept only when the dialog is accepted)."""
        self._show(Settings())

    def _show(self, settings: Settings) -> None:
        sampling, load = settings.sampling, settings.load
        self.temperature.setValue(sampling.temperature)
        self.top_p.setValue(sampling.top_p)
        self.top_k.setValue(sampling.top_k)
        self.min_p.setValue(sampling.min_p)
        self.repeat_penalty.setValue(sampling.repeat_penalty)
        self.max_tokens.setValue(sampling.max_tokens)
        self.random_seed.setChecked(sampling.seed is None)
        if sampling.seed is not None:
            self.seed.setValue(min(max(sampling.seed, 0), SEED_MAX))
        self.context_size.setValue(load.n_ctx)
        self.threads.setValue(0 if load.n_threads is None else max(1, load.n_threads))
        if load.n_gpu_layers is None or load.n_gpu_layers < 0:
            self.gpu_mode.setCurrentIndex(GPU_ALL)
        elif load.n_gpu_layers == 0:
            self.gpu_mode.setCurrentIndex(GPU_NONE)
        else:
            self.gpu_mode.setCurrentIndex(GPU_COUNT)
            self.gpu_layers.setValue(load.n_gpu_layers)
        self.system_prompt.setPlainText(settings.default_system_prompt)
        self.speech.load(settings.speech)
        self.network.load(settings.network)
        self.appearance.load(settings.appearance)
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        self.seed.setEnabled(not self.random_seed.isChecked())
        self.gpu_layers.setEnabled(self.gpu_mode.currentIndex() == GPU_COUNT)

    def result_settings(self) -> Settings:
        """The settings as the controls show them now."""
        s = self._settings
        sampling = replace(
            s.sampling,
            temperature=round(self.temperature.value(), 2),
            top_p=round(self.top_p.value(), 2),
            top_k=self.top_k.value(),
            min_p=round(self.min_p.value(), 2),
            repeat_penalty=round(self.repeat_penalty.value(), 2),
            max_tokens=self.max_tokens.value(),
            seed=None if self.random_seed.isChecked() else self.seed.value(),
        )
        mode = self.gpu_mode.currentIndex()
        gpu_layers = None if mode == GPU_ALL else 0 if mode == GPU_NONE \
            else self.gpu_layers.value()
        load = replace(
            s.load,
            n_ctx=self.context_size.value(),
            n_threads=self.threads.value() or None,
            n_gpu_layers=gpu_layers,
        )
        return replace(s, sampling=sampling, load=load,
                       default_system_prompt=self.system_prompt.toPlainText().strip(),
                       speech=self.speech.result(), network=self.network.result(),
                       appearance=self.appearance.result())

    def accept(self) -> None:
        """Close with the new settings, unless the hub address is unusable (it says why)."""
        if self.network.problem():
            self.tabs.setCurrentIndex(self.tabs.indexOf(self.network.parentWidget()))
            self.network.endpoint.setFocus()
            return
        super().accept()

    def _preview_theme(self) -> None:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if self._theme_before is None:
            self._theme_before = theme_snapshot(app)
        apply_theme(app, self.appearance.result().theme)

    def done(self, result: int) -> None:
        """Closing without OK takes back a previewed theme."""
        app = QApplication.instance()
        if self._theme_before is not None and result != QDialog.DialogCode.Accepted \
                and isinstance(app, QApplication):
            restore_theme(app, self._theme_before)
        self._theme_before = None
        super().done(result)

