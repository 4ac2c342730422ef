"""CLIP's byte-level BPE tokenizer as a Hugging Face `tokenizer.json`, built from OpenAI's merges file
(`bpe_simple_vocab_16e6.txt.gz`), with OpenAI's vocabulary layout: the 256 byte symbols, the same
with the end-of-word mark `</w>`, one token per merge, then <|startoftext|> and <|endoftext|>.

Rules as OpenAI's simple_tokenizer: lowercase, whitespace collapsed, words split by
`'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+`, bytes mapped to printable symbols,
BPE with `</w>` closing each word, <|startoftext|> ... <|endoftext|> around the phrase. (OpenAI also
repairs mojibake with ftfy first; the evaluator does not.)"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from ..core.tokenizer_files import TokenizerError, TokenizerFiles

SOT, EOT = "<|startoftext|>", "<|endoftext|>"
WORD_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""
# OpenAI keeps the first 49152 - 256 - 2 merges of the file (after its header line)
OPENAI_MERGES = 49152 - 256 - 2


def byte_symbols() -> list[str]:
    """The byte-level alphabet in OpenAI's vocabulary order: the printable Latin-1 bytes ('!'..'~',
    '¡'..'¬', '®'..'ÿ') standing for themselves, then every other byte, in byte order, standing for the
    code points 256, 257, ... (GPT-2's bytes_to_unicode)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in set(printable)]
    return [chr(b) for b in printable] + [chr(256 + n) for n in range(len(others))]


def byte_to_symbol() -> dict[int, str]:
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in set(printable)]
    return {**{b: chr(b) for b in printable}, **{b: chr(256 + n) for n, b in enumerate(others)}}


def read_merges(path: Path, count: int | None = OPENAI_MERGES) -> list[tuple[str, str]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    body = lines[1:] if count is None else lines[1:count + 1]
    merges = []
    for number, line in enumerate(body, start=2):
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise TokenizerError(f"{path}:{number}: a merge is two symbols, got {line!r}")
        merges.append((parts[0], parts[1]))
    return merges


def clip_tokenizer(merges: list[tuple[str, str]], source: str, vocab_size: int | None = None) -> TokenizerFiles:
    """`vocab_size`: fill the vocabulary with unused tokens up to this size (random-weight models built
    without OpenAI's merges file); <|startoftext|> and <|endoftext|> stay the last two ids, the end
    token the highest, which is how the text encoder finds it."""
    symbols = byte_symbols()
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
    if vocab_size is not None:
        if len(tokens) + 2 > vocab_size:
            raise TokenizerError(f"{source}: {len(tokens) + 2} tokens do not fit a vocabulary of {vocab_size}")
        tokens += [f"<|unused{i}|>" for i in range(vocab_size - 2 - len(tokens))]
    tokens += [SOT, EOT]
    vocab = {}
    for token in tokens:
        vocab.setdefault(token, len(vocab))
    if len(vocab) != len(tokens):
        raise TokenizerError(f"{source}: merges produce duplicate tokens")
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, continuing_subword_prefix="", end_of_word_suffix="</w>",
                               fuse_unk=False, unk_token=EOT))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                           normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(WORD_PATTERN), behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.post_processor = processors.TemplateProcessing(single=f"{SOT} $A {EOT}", pair=f"{SOT} $A {EOT} $B {EOT}",
                                                       special_tokens=[(SOT, vocab[SOT]), (EOT, vocab[EOT])])
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([SOT, EOT])
    config = {"tokenizer_class": "CLIPTokenizer", "model_max_length": 77, "bos_token": SOT, "eos_token": EOT,
              "unk_token": EOT, "pad_token": "!", "pad_token_id": 0, "clean_up_tokenization_spaces": False}
    return TokenizerFiles(tok, config, source)


def load_bpe(path: str | Path) -> TokenizerFiles:
    path = Path(path)
    if not path.is_file():
        raise TokenizerError(f"{path} does not exist (CLIP's merges file bpe_simple_vocab_16e6.txt.gz is expected)")
    return clip_tokenizer(read_merges(path), str(path))


def learn_merges(words: list[str], count: int) -> list[tuple[str, str]]:
    """A few BPE merges learnt from `words` (most frequent adjacent pair first) for tiny test models."""
    symbols = byte_to_symbol()
    corpus = Counter(tuple(symbols[b] for b in w.encode()) for w in words)
    corpus = Counter({w[:-1] + (w[-1] + "</w>",): n for w, n in corpus.items()})
    merges: list[tuple[str, str]] = []
    while len(merges) < count:
        pairs: Counter = Counter()
        for word, n in corpus.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += n
        if not pairs:
            break
        best = max(pairs.items(), key=lambda item: (item[1], item[0]))[0]
        merges.append(best)
        merged: Counter = Counter()
        for word, n in corpus.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += n
        corpus = merged
    return merges


def write_merges(merges: list[tuple[str, str]], path: Path) -> None:
    """In OpenAI's file format: a header line, then one merge per line, gzip-compressed."""
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
