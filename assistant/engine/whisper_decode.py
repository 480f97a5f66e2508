"""Whisper on audio of its actual length: a 3-second question costs a 3-second encoder pass.

openai-whisper always pads audio to 30 seconds (3000 mel frames, 1500 encoder positions).
Here the mel spectrogram covers the audio padded only a little (see ``MIN_TAIL_S``), the
encoder runs on that (its sinusoidal positional embedding sliced to the length, otherwise
exactly ``whisper.model.AudioEncoder.forward``) and whisper's own ``DecodingTask`` decodes
greedily from those features. Nothing in whisper is patched: the model instance, the task
and its inference object are ours.

Decoding one token on the CPU is bound by memory bandwidth: every weight of the decoder is
read for every token. Two changes make that cheaper without changing what is decoded:

- the vocabulary projection (384 × 51864 for tiny: 80 MB of fp32 weights, most of the
  decoding time) runs as a dynamically quantized int8 layer, and the few tokens that could be
  the best one within the int8 error bound are scored again in fp32
  (:class:`_VocabularyProjection`): greedy decoding picks exactly the token fp32 would pick;
- the Linear layers of the decoder blocks keep their weights in fp16 — which loses nothing,
  Whisper checkpoints are fp16 — and compute in fp32 (fbgemm's fp16 dynamic linear): half
  the bytes, the same sums to within float rounding (checked: exactly fp16 weights only).

The encoder runs once per window and is bound by arithmetic, not memory: it stays fp32 (its
Linear layers in int8 or fp16 were slower or changed words). Whatever torch cannot do here
(its ``torch.ao.quantization`` is deprecated) falls back to plain fp32.

Imported by the speech engine only when it first transcribes (torch and whisper are heavy).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from whisper.audio import mel_filters
from whisper.decoding import DecodingOptions, DecodingTask, LogitFilter, PyTorchInference
from whisper.model import TextDecoder, Whisper
from whisper.tokenizer import get_tokenizer

SAMPLE_RATE = 16_000
N_FFT = 400
HOP_LENGTH = 160  # samples per mel frame
MAX_AUDIO_S = 30.0
log = logging.getLogger(__name__)

# How much the encoder sees: the speech, then at least MIN_TAIL_S of silence (zeros, as in
# Whisper's own padding: where the speech ends is then plain to it), at least MIN_AUDIO_S in
# all, rounded up to a whole PAD_STEP_S. Measured on 24 espeak-ng questions of 1 to 20 s
# with tiny.en: on exactly the speech's length, 13 were transcribed word for word (it did
# worst on the shortest, and once repeated the last phrase); with these margins 17, as many
# as openai-whisper's own 30-second transcribe (17; on the same trimmed speech padded to
# 30 s: 18) — for 5 s of encoder work on a short question instead of 30.
PAD_STEP_S = 1.0
MIN_TAIL_S = 1.0
MIN_AUDIO_S = 5.0
_MAX_RESCORED = 4096  # more candidates than this in a row: score the whole row in fp32
_BOUND_MARGIN = 1.05  # over the rounding bound: float error of the int32 → fp32 dequantization


@dataclass(frozen=True)
class WindowTranscript:
    """What Whisper made of one window of audio."""

    text: str
    language: str
    no_speech_prob: float
    avg_logprob: float
    encoder_frames: int  # positions the encoder ran on (1500 would be 30 s)


class WhisperRunner:
    """A loaded Whisper model, ready to transcribe windows of at most 30 s.

    ``fast_decoding``: on the CPU, the int8 vocabulary projection with fp32 rescoring and
    fp16-weight decoder blocks — the same tokens as fp32, in less time (tiny.en, 2 threads,
    the benchmark's questions of 3, 6 and 20 s: 405, 708 and 2001 ms in fp32; 277, 493 and
    1408 ms so).
    """

    def __init__(self, model: Whisper, fast_decoding: bool = True) -> None:
        self.model = model
        self.device = model.device
        self.fp16 = self.device.type == "cuda"
        self.dtype = torch.float16 if self.fp16 else torch.float32
        self._window = torch.hann_window(N_FFT, device=self.device)
        self._filters = mel_filters(self.device, model.dims.n_mels)
        self.vocabulary: _VocabularyProjection | None = None
        self.fp16_weights = False  # whether the decoder blocks' Linear layers are fp16
        if fast_decoding and self.device.type == "cpu":
            try:
                self.vocabulary = _VocabularyProjection(model.decoder.token_embedding.weight)
                self.fp16_weights = _fp16_weight_linears(model.decoder.blocks)
            except Exception as exc:  # a torch without fbgemm or torch.ao.quantization
                log.warning("speech: fast decoding unavailable (%s); decoding in fp32", exc)
                self.vocabulary = None

    @property
    def multilingual(self) -> bool:
        return bool(self.model.is_multilingual)

    # --- audio → features ----------------------------------------------------------------

    def log_mel(self, audio: np.ndarray) -> torch.Tensor:
        """Whisper's log-mel spectrogram of ``audio`` and a little silence after it (see
        ``MIN_TAIL_S``): shape (1, n_mels, frames), 100 frames per second."""
        step = int(PAD_STEP_S * SAMPLE_RATE)
        wanted = max(len(audio) + int(MIN_TAIL_S * SAMPLE_RATE), int(MIN_AUDIO_S * SAMPLE_RATE))
        target = min(max(step, -(-wanted // step) * step), int(MAX_AUDIO_S * SAMPLE_RATE))
        samples = torch.zeros(target, dtype=torch.float32)
        count = min(len(audio), target)
        samples[:count] = torch.from_numpy(np.ascontiguousarray(audio[:count], np.float32))
        samples = samples.to(self.device)
        stft = torch.stft(samples, N_FFT, HOP_LENGTH, window=self._window, return_complex=True)
        magnitudes = stft[..., :-1].abs() ** 2
        log_spec = torch.clamp(self._filters @ magnitudes, min=1e-10).log10()
        log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
        return ((log_spec + 4.0) / 4.0).unsqueeze(0)

    def encode(self, mel: torch.Tensor) -> torch.Tensor:
        """``AudioEncoder.forward`` for a mel of any length up to 30 s: (1, frames/2, width)."""
        encoder = self.model.encoder
        x = F.gelu(encoder.conv1(mel.to(self.dtype)))
        x = F.gelu(encoder.conv2(x))
        x = x.permute(0, 2, 1)
        positions = x.shape[1]
        if positions > encoder.positional_embedding.shape[0]:
            raise ValueError(f"{positions} audio positions exceed the model's context")
        x = (x + encoder.positional_embedding[:positions]).to(x.dtype)
        for block in encoder.blocks:
            x = block(x)
        return encoder.ln_post(x)

    def features(self, audio: np.ndarray) -> torch.Tensor:
        return self.encode(self.log_mel(audio))

    # --- features → text ----------------------------------------------------------------

    def detect_language(self, features: torch.Tensor) -> str:
        """The most likely language code (always "en" for an English-only model)."""
        if not self.multilingual:
            return "en"
        tokenizer = get_tokenizer(True, num_languages=self.model.num_languages)
        sot = torch.tensor([[tokenizer.sot]], device=self.device)
        logits = self.model.decoder(sot, features)[0, 0]
        allowed = torch.tensor(list(tokenizer.all_language_tokens), device=self.device)
        best = int(allowed[logits[allowed].argmax()].item())
        return tokenizer.decode([best]).strip("<|>")

    def decode(self, features: torch.Tensor, language: str,
               check_stop: Callable[[], None] | None = None) -> WindowTranscript:
        """Greedy text for ``features`` in ``language``; ``check_stop`` runs before every
        token (it raises to stop)."""
        options = DecodingOptions(task="transcribe", language=language, temperature=0.0,
                                  without_timestamps=True, fp16=self.fp16)
        task = _ShortAudioTask(self.model, options, features, self.vocabulary, check_stop)
        result = task.run(features)[0]
        return WindowTranscript(result.text, language, float(result.no_speech_prob),
                                float(result.avg_logprob), int(features.shape[1]))


class _VocabularyProjection:
    """``x @ token_embedding.T`` in int8, made exact where it matters for greedy decoding.

    fbgemm's dynamic int8 linear quantizes the activation per tensor to 7 bits (its
    ``reduce_range``: step ``s_x``) and each weight row symmetrically to 8 bits (step
    ``s_w``), then sums exactly in int32. Each logit is thus within
    ``bound = ½·(|w|₁·s_x + (|x|₁ + ½·d·s_x)·s_w)`` of its fp32 value (the rounding error
    bound, plus 5% for the float error of dequantizing; ``d`` the width). After whisper's
    filters have suppressed tokens, every token whose upper bound reaches the best lower bound
    — a few hundred of 51864 — is scored again in fp32: the argmax is the fp32 argmax. The
    other logits stay approximate (typically by ±0.2): they only enter the average
    log-probability and the no-speech probability, thresholds for dropping a window of
    non-speech.
    """

    def __init__(self, weight: torch.Tensor) -> None:
        self.weight = weight.float().contiguous()  # (vocabulary, width)
        linear = torch.nn.Linear(self.weight.shape[1], self.weight.shape[0], bias=False)
        with torch.no_grad():
            linear.weight.copy_(self.weight)
        with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
            warnings.simplefilter("ignore")
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            self.int8 = quantize_dynamic(torch.nn.Sequential(linear),
                                         {torch.nn.Linear: per_channel_dynamic_qconfig})
        self.row_l1 = self.weight.abs().sum(dim=1)
        self.row_scale = self.weight.abs().amax(dim=1) / 127.0
        self.rescored = 0  # tokens scored again in fp32 (for tests and measurements)
        self.generated = 0

    def exact(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight.T

    def approximate(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """int8 logits of ``x`` (…, width) and each one's error bound (…, vocabulary).

        States that are not finite (a damaged model) cannot be quantized: their logits are
        computed in fp32, with a bound of zero.
        """
        if not bool(torch.isfinite(x).all()):
            logits = self.exact(x)
            return logits, torch.zeros_like(logits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logits = self.int8(x)
        x_scale = (x.amax(dim=-1, keepdim=True).clamp(min=0)
                   - x.amin(dim=-1, keepdim=True).clamp(max=0)) / 127.0
        x_l1 = x.abs().sum(dim=-1, keepdim=True)
        bound = 0.5 * (self.row_l1 * x_scale
                       + (x_l1 + 0.5 * x.shape[-1] * x_scale) * self.row_scale)
        return logits, bound * _BOUND_MARGIN

    def make_exact(self, logits: torch.Tensor, bound: torch.Tensor, x: torch.Tensor) -> None:
        """Rescore in place, in fp32, each token of ``logits`` (batch, vocabulary) that may
        be the best one; suppressed tokens (-inf) stay suppressed."""
        allowed = torch.isfinite(logits)
        lower = torch.where(allowed, logits - bound, -torch.inf)
        best_lower = lower.amax(dim=-1, keepdim=True)
        candidates = allowed & (logits + bound >= best_lower)
        counts = candidates.sum(dim=-1)
        for row in (counts > _MAX_RESCORED).nonzero().flatten().tolist():
            # no clear favourite: the whole row in fp32 (what the plain projection costs)
            logits[row] = torch.where(allowed[row], self.exact(x[row]), -torch.inf)
            candidates[row] = False
        rows, tokens = candidates.nonzero(as_tuple=True)
        logits[rows, tokens] = (self.weight[tokens] * x[rows]).sum(dim=-1)
        self.rescored += int(counts.clamp(max=_MAX_RESCORED).sum())
        self.generated += int(logits.shape[0])


def _fp16_weight_linears(blocks: torch.nn.Module) -> bool:
    """Replace each Linear layer of ``blocks`` by one that keeps its weights in fp16 and
    computes in fp32 — only when every weight and bias is exactly an fp16 number (as in
    Whisper's own checkpoints), so that nothing is rounded. True when replaced."""
    from whisper.model import Linear

    layers = [(parent, name, child) for parent in blocks.modules()
              for name, child in parent.named_children() if isinstance(child, Linear)]
    tensors = [t for _, _, layer in layers for t in (layer.weight, layer.bias) if t is not None]
    if not layers or not all(torch.equal(t.half().float(), t) for t in tensors):
        return False
    with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
        warnings.simplefilter("ignore")
        from torch.ao.quantization import float16_dynamic_qconfig, quantize_dynamic

        for parent, name, layer in layers:
            plain = torch.nn.Linear(layer.in_features, layer.out_features,
                                    bias=layer.bias is not None)
            with torch.no_grad():
                plain.weight.copy_(layer.weight)
                if layer.bias is not None:
                    plain.bias.copy_(layer.bias)
            fp16 = quantize_dynamic(torch.nn.Sequential(plain),
                                    {torch.nn.Linear: float16_dynamic_qconfig})[0]
            setattr(parent, name, fp16)
    return True


class _ShortAudioInference(PyTorchInference):
    """Whisper's kv-cached decoder forward; with ``vocabulary``, the fast projection."""

    def __init__(self, model: Whisper, initial_token_length: int,
                 vocabulary: _VocabularyProjection | None) -> None:
        super().__init__(model, initial_token_length)
        self.vocabulary = vocabulary
        self.pending: tuple[torch.Tensor, torch.Tensor] | None = None  # (bound, state)

    def logits(self, tokens: torch.Tensor, audio_features: torch.Tensor) -> torch.Tensor:
        if self.vocabulary is None:
            return super().logits(tokens, audio_features)
        if not self.kv_cache:
            self.kv_cache, self.hooks = self.model.install_kv_cache_hooks()
        if tokens.shape[-1] > self.initial_token_length:
            tokens = tokens[:, -1:]  # the cache holds the rest
        state = _decoder_states(self.model.decoder, tokens, audio_features, self.kv_cache)
        logits, bound = self.vocabulary.approximate(state)
        self.pending = (bound[:, -1], state[:, -1])
        return logits.float()


class _StopCheck(LogitFilter):
    """Not a filter: asks whether to stop before every token (``check_stop`` raises)."""

    def __init__(self, check_stop: Callable[[], None]) -> None:
        self.check_stop = check_stop

    def apply(self, logits: torch.Tensor, tokens: torch.Tensor) -> None:
        self.check_stop()


class _ExactBest(LogitFilter):
    """The last filter: rescores the int8 logits that may hold the best token in fp32."""

    def __init__(self, inference: _ShortAudioInference) -> None:
        self.inference = inference

    def apply(self, logits: torch.Tensor, tokens: torch.Tensor) -> None:
        pending, self.inference.pending = self.inference.pending, None
        if pending is not None and self.inference.vocabulary is not None:
            bound, state = pending
            self.inference.vocabulary.make_exact(logits, bound, state)


class _ShortAudioTask(DecodingTask):
    """whisper's DecodingTask, given audio features that we encoded ourselves."""

    def __init__(self, model: Whisper, options: DecodingOptions, features: torch.Tensor,
                 vocabulary: _VocabularyProjection | None,
                 check_stop: Callable[[], None] | None) -> None:
        super().__init__(model, options)
        self._features = features
        inference = _ShortAudioInference(model, len(self.initial_tokens), vocabulary)
        self.inference = inference
        if vocabulary is not None:
            self.logit_filters.append(_ExactBest(inference))
        if check_stop is not None:
            self.logit_filters.insert(0, _StopCheck(check_stop))

    def _get_audio_features(self, mel: torch.Tensor) -> torch.Tensor:
        return self._features

    def _detect_language(self, audio_features: torch.Tensor, tokens: torch.Tensor) -> Any:
        if self.options.language is None:  # whisper's detect_language expects 30 s features
            raise ValueError("the language must be chosen before decoding")
        return super()._detect_language(audio_features, tokens)


def _decoder_states(decoder: TextDecoder, tokens: torch.Tensor, audio_features: torch.Tensor,
                    kv_cache: dict) -> torch.Tensor:
    """``TextDecoder.forward`` up to (not including) the projection onto the vocabulary."""
    offset = next(iter(kv_cache.values())).shape[1] if kv_cache else 0
    x = (decoder.token_embedding(tokens)
         + decoder.positional_embedding[offset:offset + tokens.shape[-1]])
    x = x.to(audio_features.dtype)
    for block in decoder.blocks:
        x = block(x, audio_features, mask=decoder.mask, kv_cache=kv_cache)
    return decoder.ln(x)


__all__ = ["PAD_STEP_S", "WhisperRunner", "WindowTranscript"]
