"""The real text backend: llama.cpp through llama-cpp-python, with Mosaic's own token loop.

``llama_cpp`` is imported inside functions only, so importing this module stays cheap.
The loop (rather than ``create_completion``) exists to:

- reuse the KV cache across turns: only the tokens after the longest common prefix with
  what the context already holds are evaluated, in chunks, checking for Cancel in between;
- detokenize incrementally (one token's bytes into a UTF-8 decoder), so the work per token
  does not grow with the answer;
- stop on end-of-generation tokens, template end markers and held-back plain stop strings.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.core.chat_format import (
    ChatTemplateError,
    check_template,
    plain_stop_strings,
    render_chat,
    render_plain,
)
from assistant.core.context_budget import MIN_ANSWER_TOKENS, PromptTooLong, fit_turns
from assistant.core.generation import LoadParams, SamplingParams, Timings
from assistant.core.hardware import available_memory_bytes, physical_cores
from assistant.core.messages import ChatTurn, Role
from assistant.core.protocol import (
    ErrorCode,
    FinishReason,
    Generate,
    GenerationStarted,
    LoadModel,
    ModelLoaded,
    TokenText,
)
from assistant.engine.backend import BackendError, GenerationControl
from assistant.engine.detokenizer import IncrementalDetokenizer, StopText
from assistant.engine.llama_native import (
    LLAMA_LOG,
    import_llama,
    load_failure_message,
    load_progress,
    piece_reader,
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


@dataclass
class _Model:
    """A loaded model and what the loop needs to know about it."""

    llm: Any
    info: GGUFInfo
    template: str | None
    bos_text: str
    eos_text: str
    add_bos: bool
    stop_tokens: frozenset[int]
    n_ctx: int
    n_batch: int
    n_swa: int
    vision: VisionContext | None = None
    speakers: tuple[str, str] | None = None  # turn names for the plain format, by family


class LlamaBackend:
    """Implements :class:`assistant.engine.backend.LLMBackend` with llama.cpp."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        options = dict(options or {})
        self._n_batch = int(options.get("n_batch", 512))
        self._model: _Model | None = None
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
        return ModelLoaded(
            request_id=request.request_id, path=request.path, name=info.name,
            n_ctx=llm.n_ctx(), n_threads=n_threads,
            n_gpu_layers=n_gpu_layers if n_gpu_layers >= 0 else (info.block_count or 0) + 1,
            chat_format=CHAT_TEMPLATE if self._model.template else PLAIN_FALLBACK,
            mmproj=request.mmproj if vision else "",
            vision_family=budget.family.value if budget and vision else "",
            image_max_side=budget.max_side if budget and vision else 0)

    def _describe(self, llama_cpp: Any, llm: Any, info: GGUFInfo) -> _Model:
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
        return _Model(
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
        model = self._require_model()
        add_bos = model.add_bos and not (model.bos_text and text.startswith(model.bos_text))
        return model.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    def _require_model(self) -> _Model:
        if self._model is None:
            raise BackendError(ErrorCode.NO_MODEL, "Load a model first.")
        return self._model

    def _renderer(self, model: _Model, system: str) -> Callable[[Sequence[ChatTurn]], str]:
        template = model.template

        def render(turns: Sequence[ChatTurn]) -> str:
            if template is None:
                return render_plain(turns, system, model.speakers)
            return render_chat(template, turns, system, model.bos_text, model.eos_text)

        return render

    def build_prompt(self, request: Generate) -> tuple[list[int], int, tuple[str, ...]]:
        """Prompt tokens, how many turns were dropped to fit, and plain stop strings."""
        model = self._require_model()
        reserve = min(request.sampling.max_tokens, model.n_ctx // 4)
        if request.raw:
            text = next((t.text for t in reversed(request.turns) if t.role is Role.USER), "")
            tokens = self.tokenize(text)
            if len(tokens) > model.n_ctx - min(reserve, MIN_ANSWER_TOKENS):
                raise BackendError(ErrorCode.PROMPT_TOO_LONG,
                                   str(PromptTooLong(len(tokens), model.n_ctx, False)))
            return tokens, 0, ()
        render = self._renderer(model, request.system_prompt)
        counted: dict[int, list[int]] = {}

        def count(turns: list[ChatTurn]) -> int:
            tokens = self.tokenize(render(turns))
            counted[len(turns)] = tokens
            return len(tokens)

        try:
            fitted = fit_turns(request.turns, request.system_prompt, count, model.n_ctx,
                               reserve)
        except PromptTooLong as exc:
            raise BackendError(ErrorCode.PROMPT_TOO_LONG, str(exc)) from None
        except ChatTemplateError as exc:
            raise BackendError(ErrorCode.BAD_REQUEST, str(exc)) from None
        tokens = counted.get(len(fitted.turns)) or self.tokenize(render(fitted.turns))
        stops = plain_stop_strings(model.speakers) if model.template is None else ()
        return tokens, fitted.dropped_turns, stops

    def build_vision_prompt(self, request: Generate) -> tuple[TokenizedPrompt, int,
                                                              tuple[str, ...]]:
        """The prompt of a conversation with images, tokenized by mtmd (free it after use)."""
        model = self._require_model()
        vision = model.vision
        if vision is None:
            raise BackendError(ErrorCode.NO_VISION,
                               f"{model.info.name} cannot see images: it was loaded without "
                               "a vision projector (mmproj). Choose a vision model, or pick "
                               "this model's mmproj file in the model bar.")
        reserve = min(request.sampling.max_tokens, model.n_ctx // 4)
        render = self._renderer(model, request.system_prompt)
        marker = vision.marker

        def marked(turn: ChatTurn) -> ChatTurn:
            text = turn.text.replace(marker, "")
            if turn.images:
                text = marker * len(turn.images) + "\n" + text
            return ChatTurn(turn.role, text)

        built: dict[int, TokenizedPrompt] = {}

        def count(turns: list[ChatTurn]) -> int:
            text = render([marked(turn) for turn in turns])
            add_special = model.add_bos and not (model.bos_text
                                                 and text.startswith(model.bos_text))
            images = [image for turn in turns for image in turn.images]
            prompt = vision.tokenize(text, images, add_special)
            old = built.pop(len(turns), None)
            if old is not None:
                old.free()
            built[len(turns)] = prompt
            return prompt.n_cells

        try:
            try:
                fitted = fit_turns(request.turns, request.system_prompt, count, model.n_ctx,
                                   reserve)
            except PromptTooLong as exc:
                raise BackendError(ErrorCode.PROMPT_TOO_LONG,
                                   self._too_long_with_images(request, built, exc)) from None
            except ChatTemplateError as exc:
                raise BackendError(ErrorCode.BAD_REQUEST, str(exc)) from None
            if len(fitted.turns) not in built:
                count(list(fitted.turns))
            prompt = built.pop(len(fitted.turns))
        finally:
            for unused in built.values():
                unused.free()
        stops = plain_stop_strings(model.speakers) if model.template is None else ()
        return prompt, fitted.dropped_turns, stops

    def _too_long_with_images(self, request: Generate, built: dict[int, TokenizedPrompt],
                              exc: PromptTooLong) -> str:
        model = self._require_model()
        last = request.turns[-1] if request.turns else None
        if last is None or not last.images:
            return str(exc)
        smallest = built[min(built)] if built else None
        image_tokens = smallest.image_tokens if smallest is not None else 0
        noun = "image takes" if len(last.images) == 1 else f"{len(last.images)} images take"
        return (f"This message's {noun} about {image_tokens:,} context tokens, and with its "
                f"text the prompt needs {exc.prompt_tokens:,}, more than the model's context of "
                f"{model.n_ctx:,}; attach fewer or smaller images, or raise the context size "
                "in Settings.")

    # --- generating ----------------------------------------------------------------

    def _cached_pieces(self, model: _Model) -> list[Piece]:
        if self._kv_pieces is not None:
            return self._kv_pieces
        return list(model.llm.input_ids[:model.llm.n_tokens])

    def _swa_allows_rewind(self, model: _Model, position: int) -> bool:
        """A sliding-window cache forgets old positions; rewinding needs them back."""
        llm = model.llm
        if not (0 < position < llm.n_tokens and model.n_swa > 0):
            return True
        llama_cpp = import_llama()
        memory = llama_cpp.llama_get_memory(llm.ctx)
        pos_min = llama_cpp.llama_memory_seq_pos_min(memory, 0)
        return not (pos_min < 0 or pos_min > max(0, position - model.n_swa))

    def _keep_positions(self, model: _Model, position: int) -> int:
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

    def _reuse_prefix(self, model: _Model, prompt: list[int]) -> int:
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

    def _sampler(self, model: _Model, sampling: SamplingParams) -> Any:
        from llama_cpp._internals import LlamaSampler

        sampler = LlamaSampler()
        if sampling.repeat_penalty != 1.0:  # 1.0 is no penalty: skip the pass over the vocab
            sampler.add_penalties(model.llm.n_vocab(), _PENALTY_LAST_N,
                                  float(sampling.repeat_penalty), 0.0, 0.0)
        if sampling.temperature <= 0:
            sampler.add_greedy()
        else:
            seed = sampling.seed if sampling.seed is not None else random.randrange(2**31)
            sampler.add_top_k(int(sampling.top_k))
            sampler.add_top_p(float(sampling.top_p), 1)
            sampler.add_min_p(float(sampling.min_p), 1)
            sampler.add_temp(float(sampling.temperature))
            sampler.add_dist(seed & 0xFFFFFFFF)
        return sampler

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

    def _evaluate_and_answer(self, model: _Model, prompt: TokenizedPrompt, request: Generate,
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

    def _answer(self, model: _Model, request: Generate, control: GenerationControl,
                started: float, timings: Timings, stop_strings: tuple[str, ...],
                position_limit: int) -> tuple[FinishReason, Timings]:
        """Sample and stream the answer once the prompt is in the KV cache."""
        llama_cpp = import_llama()
        llm = model.llm
        self.last_answer_tokens = answer = []
        vocab = llm._model.vocab
        is_eog, stop_tokens = llama_cpp.llama_vocab_is_eog, model.stop_tokens
        detokenizer = IncrementalDetokenizer(piece_reader(llama_cpp, vocab))
        # The plain format's answers are trimmed (its turns are separated by blank lines);
        # template and raw answers stay verbatim, so that a re-rendered history re-tokenizes
        # to the tokens already in the KV cache.
        shown = StopText(stop_strings, trim=not request.raw and model.template is None)
        sampler = self._sampler(model, request.sampling)
        decode_one = _single_token_decoder(llama_cpp, llm)
        max_tokens = max(1, request.sampling.max_tokens)
        rid = request.request_id
        finish = FinishReason.COMPLETE
        first_at = 0.0
        hit_stop_text = False
        try:
            while True:
                if control.should_stop():
                    finish = FinishReason.STOPPED
                    break
                token = sampler.sample(llm._ctx, -1)
                if not first_at:
                    first_at = time.monotonic()
                if is_eog(vocab, token) or token in stop_tokens:
                    break
                answer.append(token)
                text, hit_stop_text = shown.push(detokenizer.push(token))
                if text:
                    control.emit(TokenText(rid, text))
                if hit_stop_text:
                    break
                if len(answer) >= max_tokens or llm.n_tokens >= position_limit:
                    finish = FinishReason.LENGTH
                    break
                decode_one(token)
        finally:
            sampler.close()
        if not hit_stop_text:  # show what was held back or left half-decoded
            tail, hit_stop_text = shown.push(detokenizer.flush())
            if not hit_stop_text:
                tail += shown.flush()
            if tail:
                control.emit(TokenText(rid, tail))
        ended = time.monotonic()
        return finish, Timings(
            prompt_tokens=timings.prompt_tokens, reused_tokens=timings.reused_tokens,
            generated_tokens=len(answer),
            time_to_first_token_s=(first_at - started) if first_at else 0.0,
            generation_s=(ended - first_at) if first_at else 0.0)


def _single_token_decoder(llama_cpp: Any, llm: Any) -> Callable[[int], None]:
    """Evaluate one generated token the way llama.cpp's own examples do.

    ``Llama.eval`` also trims the KV cache and refills a batch object in Python on every
    call; for one token a reused ``llama_batch_get_one`` array is all llama.cpp needs. The
    ``Llama`` bookkeeping (``input_ids``, ``n_tokens``) is kept so prefix reuse still works.
    """
    one = (llama_cpp.llama_token * 1)()
    decode, batch_get_one, ctx = llama_cpp.llama_decode, llama_cpp.llama_batch_get_one, llm._ctx.ctx

    def decode_one(token: int) -> None:
        one[0] = token
        if decode(ctx, batch_get_one(one, 1)) != 0:
            raise BackendError(ErrorCode.INTERNAL, "llama.cpp could not evaluate the next token "
                                                   "(the context may be full); start a new chat.")
        llm.input_ids[llm.n_tokens] = token
        llm.n_tokens += 1

    return decode_one
