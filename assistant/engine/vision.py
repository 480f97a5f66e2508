"""Images for the loaded model: llama.cpp's multimodal (mtmd) context, with reusable prefixes.

llama-cpp-python's chat handlers clear the KV cache and encode every image again on each
call. Here a prompt becomes a list of *pieces*: text tokens (ints) and :class:`ImagePiece`
entries named by the image's sha256. The backend compares that list with what the KV cache
already holds and evaluates only the rest, so a follow-up question about an image already in
the conversation skips the image encoder entirely.

Images reach llama.cpp as raw RGB pixels prepared by :mod:`assistant.media.images` (EXIF
orientation, alpha flattened, downscaled to what the projector wants), never as encoded
bytes, so llama.cpp's own image decoders never see untrusted files.
"""

from __future__ import annotations

import ctypes
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.attachments import ImageAttachment
from assistant.core.protocol import ErrorCode
from assistant.engine.backend import BackendError
from assistant.engine.llama_native import LLAMA_LOG
from assistant.media.images import ImageFileError, pixels_for_model
from assistant.models.gguf_inspect import GGUFInfo

log = logging.getLogger(__name__)

_BITMAP_CACHE_SIZE = 16


@dataclass(frozen=True)
class ImagePiece:
    """One image chunk of a prompt: ``key`` is "<sha256>#<slice>"."""

    key: str
    n_tokens: int  # KV cells it fills
    n_pos: int  # positions it advances (fewer than n_tokens with M-RoPE models)
    chunk: int = field(compare=False, default=-1)  # index in its TokenizedPrompt


Piece = int | ImagePiece


class TokenizedPrompt:
    """A prompt tokenized by mtmd: the chunk list (freed with :meth:`free`) and its pieces."""

    def __init__(self, mtmd: Any, chunks: Any) -> None:
        self._mtmd = mtmd
        self.chunks = chunks
        self.pieces: list[Piece] = []
        self.image_tokens = 0
        slices: dict[str, int] = {}
        for index in range(mtmd.mtmd_input_chunks_size(chunks)):
            chunk = mtmd.mtmd_input_chunks_get(chunks, index)
            if mtmd.mtmd_input_chunk_get_type(chunk) == mtmd.MTMD_INPUT_CHUNK_TYPE_TEXT:
                count = ctypes.c_size_t()
                tokens = mtmd.mtmd_input_chunk_get_tokens_text(chunk, ctypes.byref(count))
                self.pieces.extend(tokens[i] for i in range(count.value))
                continue
            image_id = (mtmd.mtmd_input_chunk_get_id(chunk) or b"").decode("ascii", "replace")
            slices[image_id] = slices.get(image_id, -1) + 1
            n_tokens = int(mtmd.mtmd_input_chunk_get_n_tokens(chunk))
            self.image_tokens += n_tokens
            self.pieces.append(ImagePiece(f"{image_id}#{slices[image_id]}", n_tokens,
                                          int(mtmd.mtmd_input_chunk_get_n_pos(chunk)), index))

    @property
    def n_cells(self) -> int:
        """KV cells the whole prompt fills."""
        return sum(p.n_tokens if isinstance(p, ImagePiece) else 1 for p in self.pieces)

    def chunk(self, piece: ImagePiece) -> Any:
        return self._mtmd.mtmd_input_chunks_get(self.chunks, piece.chunk)

    def free(self) -> None:
        if self.chunks is not None:
            self._mtmd.mtmd_input_chunks_free(self.chunks)
            self.chunks = None


class VisionContext:
    """The mtmd context of one loaded model + projector, and a cache of prepared images."""

    def __init__(self, mtmd: Any, ctx: Any, projector: GGUFInfo, max_side: int) -> None:
        self._mtmd = mtmd
        self._ctx = ctx
        self.projector = projector
        self.max_side = max_side
        self.marker = mtmd.mtmd_default_marker().decode("utf-8")
        self.uses_mrope = bool(mtmd.mtmd_decode_use_mrope(ctx))
        self._bitmaps: OrderedDict[str, Any] = OrderedDict()

    @classmethod
    def open(cls, llm: Any, projector: GGUFInfo, max_side: int, n_threads: int,
             use_gpu: bool) -> VisionContext:
        """Open ``projector`` for the loaded ``llm``; BackendError(PROJECTOR_FILE) on failure."""
        import llama_cpp
        import llama_cpp.mtmd_cpp as mtmd

        LLAMA_LOG.install_mtmd(mtmd)
        params = mtmd.mtmd_context_params_default()
        params.use_gpu = use_gpu
        params.print_timings = False
        params.n_threads = n_threads
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_AUTO
        label = Path(projector.path).name
        with LLAMA_LOG.record() as lines:
            ctx = mtmd.mtmd_init_from_file(projector.path.encode(), llm.model, params)
        if not ctx:
            errors = [line.strip() for line in "".join(lines).splitlines() if line.strip()
                      and "Failed to load CLIP model" not in line]
            detail = errors[-1].split(": ", 1)[-1][:200] if errors else ""
            raise BackendError(ErrorCode.PROJECTOR_FILE,
                               f"llama.cpp could not open the vision projector {label}"
                               f"{f' ({detail})' if detail else ''}; download it again or "
                               "choose the mmproj file published with this model.")
        if not mtmd.mtmd_support_vision(ctx):
            mtmd.mtmd_free(ctx)
            raise BackendError(ErrorCode.PROJECTOR_FILE,
                               f"{label} is not a vision projector (it has no image encoder); "
                               "choose the vision mmproj file published with this model.")
        return cls(mtmd, ctx, projector, max_side)

    # --- images ------------------------------------------------------------------------

    def _bitmap(self, image: ImageAttachment) -> Any:
        bitmap = self._bitmaps.get(image.sha256)
        if bitmap is not None:
            self._bitmaps.move_to_end(image.sha256)
            return bitmap
        if not Path(image.path).is_file():
            raise BackendError(ErrorCode.IMAGE, f"The image {image.name} is no longer on disk; "
                                                "attach it again.")
        try:
            pixels = pixels_for_model(Path(image.path), max_side=self.max_side,
                                      name=image.name)
        except ImageFileError as exc:
            raise BackendError(ErrorCode.IMAGE, str(exc)) from None
        data = (ctypes.c_uint8 * len(pixels.rgb)).from_buffer_copy(pixels.rgb)
        bitmap = self._mtmd.mtmd_bitmap_init(pixels.width, pixels.height, data)
        if not bitmap:
            raise BackendError(ErrorCode.IMAGE, f"llama.cpp could not take the image "
                                                f"{image.name}; try another image.")
        self._mtmd.mtmd_bitmap_set_id(bitmap, image.sha256.encode("ascii"))
        self._bitmaps[image.sha256] = bitmap
        while len(self._bitmaps) > _BITMAP_CACHE_SIZE:
            _key, old = self._bitmaps.popitem(last=False)
            self._mtmd.mtmd_bitmap_free(old)
        return bitmap

    def tokenize(self, text: str, images: Sequence[ImageAttachment],
                 add_special: bool) -> TokenizedPrompt:
        """Tokenize ``text`` whose markers stand for ``images``, in order."""
        mtmd = self._mtmd
        bitmaps = [self._bitmap(image) for image in images]
        array = (mtmd.mtmd_bitmap_p_ctypes * max(1, len(bitmaps)))(*bitmaps)
        encoded = text.encode("utf-8")
        input_text = mtmd.mtmd_input_text()
        input_text.text = encoded
        input_text.text_len = len(encoded)
        input_text.add_special = add_special
        input_text.parse_special = True
        chunks = mtmd.mtmd_input_chunks_init()
        if not chunks:
            raise BackendError(ErrorCode.INTERNAL, "llama.cpp ran out of memory preparing the "
                                                   "prompt; close other programs and retry.")
        result = mtmd.mtmd_tokenize(self._ctx, chunks, ctypes.byref(input_text), array,
                                    len(bitmaps))
        if result != 0:
            mtmd.mtmd_input_chunks_free(chunks)
            reason = {1: "the number of images does not match the message",
                      2: "an image could not be prepared for the projector"}
            raise BackendError(ErrorCode.IMAGE,
                               "llama.cpp could not read the images of this message ("
                               f"{reason.get(result, f'error {result}')}); try other images.")
        return TokenizedPrompt(mtmd, chunks)

    def evaluate_image(self, prompt: TokenizedPrompt, piece: ImagePiece, llama_ctx: Any,
                       n_past: int, n_batch: int, logits_last: bool) -> int:
        """Encode one image chunk and decode its embeddings at ``n_past``; the new n_past."""
        import llama_cpp

        new_n_past = llama_cpp.llama_pos(0)
        result = self._mtmd.mtmd_helper_eval_chunk_single(
            self._ctx, llama_ctx, prompt.chunk(piece), llama_cpp.llama_pos(n_past),
            llama_cpp.llama_seq_id(0), n_batch, logits_last, ctypes.byref(new_n_past))
        if result != 0:
            raise BackendError(ErrorCode.INTERNAL,
                               "llama.cpp could not process an image of this message (the "
                               "context may be full); start a new chat or lower the number "
                               "of images.")
        return int(new_n_past.value)

    def close(self) -> None:
        for bitmap in self._bitmaps.values():
            self._mtmd.mtmd_bitmap_free(bitmap)
        self._bitmaps.clear()
        if self._ctx is not None:
            self._mtmd.mtmd_free(self._ctx)
            self._ctx = None


def common_prefix(cached: Sequence[Piece], wanted: Sequence[Piece]) -> int:
    """How many leading pieces of ``wanted`` the cache already holds."""
    limit = min(len(cached), len(wanted))
    for index in range(limit):
        if cached[index] != wanted[index]:
            return index
    return limit


def positions_of(pieces: Sequence[Piece]) -> int:
    """Positions the pieces advance (an image advances by its ``n_pos``)."""
    return sum(p.n_pos if isinstance(p, ImagePiece) else 1 for p in pieces)


__all__ = ["ImagePiece", "Piece", "TokenizedPrompt", "VisionContext", "common_prefix",
           "positions_of"]
