"""The real backend: llama.cpp through llama-cpp-python, with Mosaic's own token loop.

``llama_cpp`` is imported inside functions only, so importing this module stays cheap.
This module loads models (with their vision projector) and evaluates prompts; prompts are
built in :mod:`prompt_builder`, answers streamed by :mod:`answer_stream`. Its own loop
(rather than ``create_completion`` or the chat handlers) exists to reuse the KV cache
across turns: only what follows the longest common prefix with what the context already
holds is evaluated — text tokens, and images, which are named by their sha256 — in chunks,
checking for Cancel in between.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core.chat_format import (
    ChatTemplateError,
    check_template,
)
from assistant.core.generation import LoadParams, Timings
from assistant.core.hardware import available_memory_bytes, physical_cores
from assistant.core.protocol import (
    ErrorCode,
    FinishReason,
    Generate,
    GenerationStarted,
    LoadModel,
    ModelLoaded,
)
from assistant.engine.answer_stream import AnswerStream
from assistant.engine.backend import BackendError, GenerationControl
from assistant.engine.llama_native import (
    LLAMA_LOG,
    import_llama,
    load_failure_message,
    load_progress,
)
from assistant.engine.prompt_builder import (
    LoadedModel,
    build_text_prompt,
    build_vision_prompt,
    tokenize,
)
from assistant.engine.vision import (
    ImagePiece,
    Piece,
    TokenizedPrompt,
    VisionContext,
    common_prefix,
    positions_of,
)
from assistant.models.gguf_inspect import (
    GGUFInfo,
    ModelFileError,
    check_fits_memory,
    inspect_gguf,
)
from assistant.models.vision import check_projector, image_budget, plain_speakers

log = logging.getLogger(__name__)

CHAT_TEMPLATE = "gguf template"
PLAIN_FALLBACK = "plain fallback"
_END_MARKERS = ("<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|end|>", "<|endoftext|>",
                "</s>", "<|END_OF_TURN_TOKEN|>")
_PENALTY_LAST_N = 64


class LlamaBackend:
    """Implements :class:`assistant.engine.backend.LLMBackend` with llama.cpp."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        options = dict(options or {})
        self._n_batch = int(options.get("n_batch", 512))
        self._model: LoadedModel | None = None
        self.last_prompt_eval_tokens = 0  # prompt tokens evaluated by the last answer
        self.last_answer_tokens: list[int] = []  # token ids of the last answer (tests)
        self.last_images_encoded = 0  # image chunks encoded by the last answer (tests)
        # What the KV cache holds when it holds images (None: text only, see input_ids).
        self._kv_pieces: list[Piece] | None = None

    # --- what this build can do ----------------------------------------------------

    def version(self) -> str:
        try:
            llama_cpp = import_llama()
        except BackendError:
            return "llama-cpp-python unavailable"
        return f"llama-cpp-python {llama_cpp.__version__}"

    def gpu_offload(self) -> bool:
        try:
            return bool(import_llama().llama_supports_gpu_offload())
        except BackendError:
            return False

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def llm(self) -> Any:
        """The loaded ``llama_cpp.Llama`` (for tests and benchmarks)."""
        if self._model is None:
            raise RuntimeError("no model is loaded")
        return self._model.llm

    # --- loading -------------------------------------------------------------------

    def load(self, request: LoadModel, progress: Callable[..., None]) -> ModelLoaded:
        llama_cpp = import_llama()
        params: LoadParams = request.params
        try:
            info = inspect_gguf(request.path)
        except ModelFileError as exc:
            raise BackendError(ErrorCode.MODEL_TOO_LARGE if exc.too_large
                               else ErrorCode.MODEL_FILE, str(exc)) from None
        if info.is_projector:
            raise BackendError(ErrorCode.MODEL_FILE,
                               f"{info.name} is a vision projector (mmproj), not a language "
                               "model; choose the model file itself.")
        projector = None
        if request.mmproj:
            try:
                projector = inspect_gguf(request.mmproj)
                check_projector(info, projector)
            except ModelFileError as exc:
                raise BackendError(ErrorCode.PROJECTOR_FILE, str(exc)) from None
        n_ctx = params.n_ctx if params.n_ctx > 0 else (info.context_length or 4096)
        if info.context_length:
            n_ctx = min(n_ctx, info.context_length)
        offload = bool(llama_cpp.llama_supports_gpu_offload())
        n_gpu_layers = params.n_gpu_layers if params.n_gpu_layers is not None else -1
        n_gpu_layers = n_gpu_layers if offload else 0
        if n_gpu_layers == 0:
            available = available_memory_bytes()
            if available is not None and projector is not None:
                available -= projector.file_size
            try:
                check_fits_memory(info, n_ctx, available)
            except ModelFileError as exc:
                raise BackendError(ErrorCode.MODEL_TOO_LARGE, str(exc)) from None
        n_threads = params.n_threads or physical_cores()
        self.close()  # free the old model before the new one takes memory
        progress(0.0)
        with LLAMA_LOG.record() as log_lines, load_progress(llama_cpp, progress) as failures:
            try:
                llm = llama_cpp.Llama(
                    model_path=request.path, n_ctx=n_ctx, n_batch=self._n_batch,
                    n_threads=n_threads, n_threads_batch=n_threads,
                    n_gpu_layers=n_gpu_layers, logits_all=False, verbose=False,
                    # llama.cpp itself defaults to flash attention where it can; the wrapper
                    # turns it off unless asked, which costs ~7% generation speed on CPU.
                    flash_attn=True)
            except (ValueError, RuntimeError, OSError) as exc:
                if failures:
                    raise failures[0] from None
                raise BackendError(ErrorCode.MODEL_FILE,
                                   load_failure_message(info, log_lines, exc)) from None
        if failures:
            llm.close()
            raise failures[0]
        vision = None
        budget = None
        if projector is not None and projector.projector is not None:
            budget = image_budget(projector.projector, info)
            progress(0.0, "projector")  # a crash from here on is the projector's
            try:
                vision = VisionContext.open(llm, projector, budget.max_side, n_threads,
                                            use_gpu=n_gpu_layers != 0)
            except BackendError:
                llm.close()
                raise
        self._model = self._describe(llama_cpp, llm, info)
        self._model.vision = vision
        self._model.speakers = plain_speakers(budget.family) if budget and vision else None
        self._kv_pieces = None
        if vision is not None:
            progress(1.0, "projector")
        else:
            progress(1.0)
        log.info("loaded %s (%d ctx, %d threads, %d GPU layers%s)", Path(request.path).name,
                 llm.n_ctx(), n_threads, n_gpu_layers,
                 f", projector {Path(request.mmproj).name}" if vision else "")
        return ModelLoaded(
            request_id=request.request_id, path=request.path, name=info.name,
            n_ctx=llm.n_ctx(), n_threads=n_threads,
            n_gpu_layers=n_gpu_layers if n_gpu_layers >= 0 else (info.block_count or 0) + 1,
            chat_format=CHAT_TEMPLATE if self._model.template else PLAIN_FALLBACK,
            mmproj=request.mmproj if vision else "",
            vision_family=budget.family.value if budget and vision else "",
            image_max_side=budget.max_side if budget and vision else 0)

    def _describe(self, llama_cpp: Any, llm: Any, info: GGUFInfo) -> LoadedModel:
        model = llm._model  # llama_cpp._internals.LlamaModel
        template = info.chat_template
        if template:
            try:
                check_template(template)
            except ChatTemplateError as exc:
                log.warning("%s: %s; using the plain format", info.name, exc)
                template = None

        def text_of(token: int) -> str:
            return model.token_get_text(token) if token >= 0 else ""

        stop_tokens: set[int] = set()
        for marker in _END_MARKERS:
            if template and marker in template:
                ids = llm.tokenize(marker.encode(), add_bos=False, special=True)
                if len(ids) == 1:
                    stop_tokens.add(ids[0])
        return LoadedModel(
            llm=llm, info=info, template=template or None,
            bos_text=text_of(llm.token_bos()), eos_text=text_of(llm.token_eos()),
            add_bos=bool(model.add_bos_token()), stop_tokens=frozenset(stop_tokens),
            n_ctx=llm.n_ctx(), n_batch=llm.n_batch,
            n_swa=int(llama_cpp.llama_model_n_swa(llm.model)))

    def close(self) -> None:
        if self._model is not None:
            model, self._model = self._model, None
            self._kv_pieces = None
            if model.vision is not None:
                model.vision.close()
            model.llm.close()

    # --- prompts -------------------------------------------------------------------

    def tokenize(self, text: str) -> list[int]:
        """Tokens of a whole prompt: special tokens parsed, BOS added once when wanted."""
        return tokenize(self._require_model(), text)

    def _require_model(self) -> LoadedModel:
        if self._model is None:
            raise BackendError(ErrorCode.NO_MODEL, "Load a model first.")
        return self._model

    def build_prompt(self, request: Generate) -> tuple[list[int], int, tuple[str, ...]]:
        """Prompt tokens, how many turns were dropped to fit, and plain stop strings."""
        return build_text_prompt(self._require_model(), request)

    def build_vision_prompt(self, request: Generate) -> tuple[TokenizedPrompt, int,
                                                              tuple[str, ...]]:
        """The prompt of a conversation with images, tokenized by mtmd (free it after use)."""
        return build_vision_prompt(self._require_model(), request)

    # --- generating ----------------------------------------------------------------

    def _cached_pieces(self, model: LoadedModel) -> list[Piece]:
        if self._kv_pieces is not None:
            return self._kv_pieces
        return list(model.llm.input_ids[:model.llm.n_tokens])

    def _swa_allows_rewind(self, model: LoadedModel, position: int) -> bool:
        """A sliding-window cache forgets old positions; rewinding needs them back."""
        llm = model.llm
        if not (0 < position < llm.n_tokens and model.n_swa > 0):
            return True
        llama_cpp = import_llama()
        memory = llama_cpp.llama_get_memory(llm.ctx)
        pos_min = llama_cpp.llama_memory_seq_pos_min(memory, 0)
        return not (pos_min < 0 or pos_min > max(0, position - model.n_swa))

    def _keep_positions(self, model: LoadedModel, position: int) -> int:
        """Drop the KV cache from ``position`` on; 0 when nothing could be kept."""
        llm = model.llm
        if position > 0 and not (self._swa_allows_rewind(model, position)
                                 and llm._ctx.kv_cache_seq_rm(-1, position, -1)):
            position = 0
        if position == 0:
            llm.reset()
            llm._ctx.kv_cache_clear()
        llm.n_tokens = position
        return position

    def _reuse_prefix(self, model: LoadedModel, prompt: list[int]) -> int:
        """Keep the longest cached prefix of ``prompt``; drop the rest of the KV cache."""
        llm = model.llm
        cached = llm.input_ids[:llm.n_tokens]
        limit = min(len(cached), len(prompt))
        common = 0
        if limit:
            same = cached[:limit] == prompt[:limit]
            common = limit if bool(same.all()) else int(same.argmin())
        common = min(common, len(prompt) - 1)  # the last prompt token is re-evaluated
        self._kv_pieces = None  # from here on the cache holds text only
        return self._keep_positions(model, common)

    def generate(self, request: Generate,
                 control: GenerationControl) -> tuple[FinishReason, Timings]:
        started = time.monotonic()
        model = self._require_model()
        self.last_prompt_eval_tokens = 0
        self.last_images_encoded = 0
        self.last_answer_tokens = []
        if not request.raw and any(turn.images for turn in request.turns):
            return self._generate_with_images(request, control, started)
        llm = model.llm
        prompt, dropped, stop_strings = self.build_prompt(request)
        if not prompt:
            raise BackendError(ErrorCode.BAD_REQUEST,
                               "There is nothing to answer: the message is empty.")
        reused = self._reuse_prefix(model, prompt)
        control.emit(GenerationStarted(request.request_id, len(prompt), reused, dropped))
        timings = Timings(prompt_tokens=len(prompt), reused_tokens=reused)
        for start in range(reused, len(prompt), model.n_batch):
            if control.should_stop():
                return FinishReason.STOPPED, timings
            chunk = prompt[start:start + model.n_batch]
            llm.eval(chunk)
            self.last_prompt_eval_tokens += len(chunk)
        return self._answer(model, request, control, started, timings, stop_strings,
                            model.n_ctx)

    def _generate_with_images(self, request: Generate, control: GenerationControl,
                              started: float) -> tuple[FinishReason, Timings]:
        model = self._require_model()
        prompt, dropped, stop_strings = self.build_vision_prompt(request)
        try:
            return self._evaluate_and_answer(model, prompt, request, control, started,
                                             dropped, stop_strings)
        except BaseException:
            self._keep_positions(model, 0)  # the cache state is unknown after a failure
            self._kv_pieces = None
            raise
        finally:
            prompt.free()

    def _evaluate_and_answer(self, model: LoadedModel, prompt: TokenizedPrompt, request: Generate,
                             control: GenerationControl, started: float, dropped: int,
                             stop_strings: tuple[str, ...]) -> tuple[FinishReason, Timings]:
        llm, vision = model.llm, model.vision
        assert vision is not None
        pieces = prompt.pieces
        common = min(common_prefix(self._cached_pieces(model), pieces), len(pieces) - 1)
        position = self._keep_positions(model, positions_of(pieces[:common]))
        if position != positions_of(pieces[:common]):
            common = 0
        kept = pieces[:common]
        reused = sum(p.n_tokens if isinstance(p, ImagePiece) else 1 for p in kept)
        reused_images = sum(isinstance(p, ImagePiece) for p in kept)
        n_cells = prompt.n_cells
        control.emit(GenerationStarted(request.request_id, n_cells, reused, dropped,
                                       image_tokens=prompt.image_tokens,
                                       reused_images=reused_images))
        self._kv_pieces = list(kept)
        timings = Timings(prompt_tokens=n_cells, reused_tokens=reused)
        index = common
        while index < len(pieces):
            if control.should_stop():
                return FinishReason.STOPPED, timings
            piece = pieces[index]
            if isinstance(piece, ImagePiece):
                start = llm.n_tokens
                end = vision.evaluate_image(prompt, piece, llm._ctx.ctx, start, model.n_batch,
                                            logits_last=index == len(pieces) - 1)
                llm.input_ids[start:end] = -1  # never equal to a text token
                llm.n_tokens = end
                self.last_images_encoded += 1
                self.last_prompt_eval_tokens += piece.n_tokens
                index += 1
            else:
                stop = index
                while (stop < len(pieces) and stop - index < model.n_batch
                       and not isinstance(pieces[stop], ImagePiece)):
                    stop += 1
                tokens = pieces[index:stop]
                llm.eval(tokens)
                self.last_prompt_eval_tokens += len(tokens)
                index = stop
            self._kv_pieces = list(pieces[:index])
        prompt_end = llm.n_tokens
        # M-RoPE images fill more cells than positions: stop before the cells run out.
        position_limit = model.n_ctx - (n_cells - positions_of(pieces))
        try:
            return self._answer(model, request, control, started, timings, stop_strings,
                                position_limit)
        finally:
            self._kv_pieces = list(pieces) + [int(t) for t in
                                              llm.input_ids[prompt_end:llm.n_tokens]]

    def _answer(self, model: LoadedModel, request: Generate, control: GenerationControl,
                started: float, timings: Timings, stop_strings: tuple[str, ...],
                position_limit: int) -> tuple[FinishReason, Timings]:
        """Sample and stream the answer once the prompt is in the KV cache."""
        # The plain format's answers are trimmed (its turns are separated by blank lines);
        # template and raw answers stay verbatim, so that a re-rendered history re-tokenizes
        # to the tokens already in the KV cache.
        stream = AnswerStream(model.llm, model.stop_tokens, stop_strings,
                              trim=not request.raw and model.template is None,
                              position_limit=position_limit)
        finish, timings = stream.run(request, control, started, timings)
        self.last_answer_tokens = stream.tokens
        return finish, timings
