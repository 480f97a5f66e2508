"""Tiny but real GGUF model files for tests, written with the ``gguf`` package.

``write_tiny_llama`` writes a llama-architecture model (64-wide, 2 layers, grouped-query
attention) with seeded random weights and a SentencePiece-style vocabulary that llama.cpp
loads, tokenizes with (byte fallback included) and generates from. The text it generates is
gibberish made of whole words: the output rows of every special and byte token are zero, so
end-of-sequence practically never wins and every generated piece is valid UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from gguf import GGUFWriter, LlamaFileType, TokenType

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

_WORD_TEXT = """
the of and to a in is it you that he was for on are with as I his they be at one have this
from or had by hot word but what some we can out other were all there when up use your how
said an each she which do their time if will way about many then them write would like so
these her long make thing see him two has look more day could go come did number sound no
most people my over know water than call first who may down side been now find any new work
part take get place made live where after back little only round man year came show every
good me give our under name very through just form sentence great think say help low line
differ turn cause much mean before move right boy old too same tell does set three want air
well also play small end put home read hand port large spell add even land here must big
high such follow act why ask men change went light kind off need house picture try us again
animal point mother world near build self earth father head stand own page should country
found answer school grow study still learn plant cover food sun four between state keep eye
never last let thought city tree cross farm hard start might story saw far sea draw left late
run while press close night real life few north open seem together next white children begin
got walk example ease paper group always music those both mark often letter until mile river
car feet care second book carry took science eat room friend began idea fish mountain stop
once base hear horse cut sure watch color face wood main enough plain girl usual young ready
above ever red list though feel talk bird soon body dog family direct pose leave song measure
door product black short numeral class wind question happen complete ship area half rock
order fire south problem piece told knew pass since top whole king space heard best hour
better true during hundred five remember step early hold west ground interest reach fast verb
sing listen six table travel less morning ten simple several vowel toward war lay against
pattern slow center love person money serve appear road map rain rule govern pull cold notice
voice unit power town fine certain fly fall lead cry dark machine note wait plan figure star
box noun field rest correct able pound done beauty drive stood contain front teach week final
gave green oh quick develop ocean warm free minute strong special mind behind clear tail
produce fact street inch multiply nothing course stay wheel full force blue object decide
surface deep moon island foot system busy test record boat common gold possible plane stead
dry wonder laugh thousand ago ran check game shape equate miss brought heat snow tire bring
yes distant fill east paint language among capital France Paris Berlin Rome hello Hello
"""
WORDS: tuple[str, ...] = tuple(_WORD_TEXT.split())

_CHARS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    ".,!?;:'\"()-_/@#%&*+=<>[]{}|~`$^\\"
)


def _vocabulary(extra_words: Sequence[str]) -> tuple[list[str], list[float], list[int]]:
    """SentencePiece-style pieces: specials, 256 byte tokens, characters, word prefixes."""
    tokens = ["<unk>", "<s>", "</s>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [TokenType.BYTE] * 256
    pieces: dict[str, None] = dict.fromkeys(["▁", *_CHARS])
    for word in (*WORDS, *extra_words):
        text = "▁" + word.replace(" ", "▁")
        # SentencePiece merges adjacent pieces only into pieces the vocabulary has, so
        # every prefix of a word must be a piece for the whole word to become one token.
        pieces.update(dict.fromkeys(text[:end] for end in range(2, len(text) + 1)))
    tokens += list(pieces)
    types += [TokenType.NORMAL] * len(pieces)
    tokens += ["<|im_start|>", "<|im_end|>"]
    types += [TokenType.CONTROL, TokenType.CONTROL]
    scores = [0.0] * 259 + [float(len(piece)) for piece in pieces] + [0.0, 0.0]
    return tokens, scores, [int(t) for t in types]


def write_tiny_llama(
    path: Path,
    *,
    seed: int = 0,
    chat_template: str | None = CHATML_TEMPLATE,
    architecture: str = "llama",
    n_ctx: int = 2048,
    vocab_extra_words: Sequence[str] = (),
    name: str = "tiny-llama-test",
    n_embd: int = 64,
    n_layer: int = 2,
    n_head: int = 4,
    n_head_kv: int = 2,
    n_ff: int = 128,
) -> Path:
    """Write a tiny random-weight llama model llama.cpp can load; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tokens, scores, types = _vocabulary(vocab_extra_words)
    n_vocab = len(tokens)
    head_dim = n_embd // n_head
    rng = np.random.default_rng(seed)

    def matrix(rows: int, cols: int, scale: float) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * scale).astype(np.float16)

    writer = GGUFWriter(path, architecture)
    writer.add_name(name)
    writer.add_file_type(LlamaFileType.MOSTLY_F16)
    writer.add_context_length(n_ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    if chat_template is not None:
        writer.add_chat_template(chat_template)

    writer.add_tensor("token_embd.weight", matrix(n_vocab, n_embd, 1.0))
    for layer in range(n_layer):
        prefix = f"blk.{layer}"
        writer.add_tensor(f"{prefix}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"{prefix}.attn_q.weight", matrix(n_embd, n_embd, n_embd**-0.5))
        writer.add_tensor(f"{prefix}.attn_k.weight",
                          matrix(n_head_kv * head_dim, n_embd, n_embd**-0.5))
        writer.add_tensor(f"{prefix}.attn_v.weight",
                          matrix(n_head_kv * head_dim, n_embd, n_embd**-0.5))
        writer.add_tensor(f"{prefix}.attn_output.weight", matrix(n_embd, n_embd, n_embd**-0.5))
        writer.add_tensor(f"{prefix}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"{prefix}.ffn_gate.weight", matrix(n_ff, n_embd, n_embd**-0.5))
        writer.add_tensor(f"{prefix}.ffn_up.weight", matrix(n_ff, n_embd, n_embd**-0.5))
        writer.add_tensor(f"{prefix}.ffn_down.weight", matrix(n_embd, n_ff, n_ff**-0.5))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    output = matrix(n_vocab, n_embd, 0.5)
    output[np.asarray(types) != TokenType.NORMAL] = 0  # specials and bytes: never preferred
    writer.add_tensor("output.weight", output)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def write_not_gguf(path: Path, content: bytes = b"<!DOCTYPE html><html>Not found</html>\n") -> Path:
    """Write a file that is not GGUF (by default, the error page a failed download saves)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def write_truncated_copy(src: Path, dst: Path, keep_fraction: float) -> Path:
    """Copy the first ``keep_fraction`` of ``src`` to ``dst``, as a cut-short download."""
    if not 0 <= keep_fraction < 1:
        raise ValueError("keep_fraction must be at least 0 and below 1")
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    data = Path(src).read_bytes()
    dst.write_bytes(data[:int(len(data) * keep_fraction)])
    return dst
