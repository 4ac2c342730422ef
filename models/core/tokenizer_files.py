"""Tokenizer files for the model folder: a Hugging Face `tokenizer.json` (read in TypeScript by
`@huggingface/tokenizers`) plus a small `tokenizer_config.json`.

Sources: an existing `tokenizer.json`, a BERT `vocab.txt` (converted here), a Hugging Face model folder
holding either, or a vocabulary built by this project (tiny test models; random-weight benchmarks).
Padding and truncation are not stored in the tokenizer: model.json's `text` rules say how the
evaluator pads and truncates.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors


class TokenizerError(Exception):
    pass


@dataclass
class TokenizerFiles:
    tokenizer: Tokenizer
    config: dict
    source: str

    def token_id(self, token: str) -> int:
        index = self.tokenizer.token_to_id(token)
        if index is None:
            raise TokenizerError(f"token {token} is not in the tokenizer ({self.source})")
        return index

    def write(self, folder: Path) -> tuple[str, str]:
        folder.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save(str(folder / "tokenizer.json"))
        (folder / "tokenizer_config.json").write_text(json.dumps(self.config, indent=2) + "\n")
        return "tokenizer.json", "tokenizer_config.json"

    def encode_batch(self, texts: list[str], first_token: str | None = None, max_length: int | None = None,
                     pad_to: int | None = None, pad_id: int | None = None) -> tuple[list[list[int]], list[list[int]]]:
        """Ids and masks padded to the longest (or `pad_to`) with `pad_id` (default: the tokenizer's),
        the evaluator's rules in Python: truncation keeps the closing special token; `first_token`
        replaces the first id (BLIP's [ENC])."""
        pad = self.config["pad_token_id"] if pad_id is None else pad_id
        rows = []
        for text in texts:
            ids = self.tokenizer.encode(text).ids
            if max_length is not None and len(ids) > max_length:
                ids = ids[: max_length - 1] + ids[-1:]
            if first_token is not None:
                ids = [self.token_id(first_token)] + ids[1:]
            rows.append(ids)
        width = pad_to or max(len(r) for r in rows)
        ids = [r + [pad] * (width - len(r)) for r in rows]
        mask = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
        return ids, mask


BERT_SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def bert_tokenizer(vocab: dict[str, int], lowercase: bool = True, source: str = "vocab") -> TokenizerFiles:
    """A BERT WordPiece tokenizer (bert-base-uncased's rules: clean text, split CJK characters,
    lowercase and strip accents, [CLS] ... [SEP])."""
    for token in BERT_SPECIALS:
        if token not in vocab:
            raise TokenizerError(f"{source}: the vocabulary lacks {token}")
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                                lowercase=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.add_special_tokens(list(BERT_SPECIALS))
    config = {
        "tokenizer_class": "BertTokenizer", "do_lower_case": lowercase, "model_max_length": 512,
        "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "mask_token": "[MASK]", "pad_token_id": vocab["[PAD]"], "clean_up_tokenization_spaces": True,
    }
    return TokenizerFiles(tok, config, source)


def read_vocab_txt(path: Path) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for index, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        token = line.rstrip("\n")
        if token in vocab:
            continue
        vocab[token] = index
    return vocab


def load_tokenizer(path: str | Path) -> TokenizerFiles:
    """A BERT-family tokenizer from `tokenizer.json`, `vocab.txt`, or a folder holding either."""
    path = Path(path)
    if path.is_dir():
        for name in ("tokenizer.json", "vocab.txt"):
            if (path / name).is_file():
                return load_tokenizer(path / name)
        raise TokenizerError(f"{path} holds neither tokenizer.json nor vocab.txt")
    if not path.is_file():
        raise TokenizerError(f"tokenizer {path} does not exist")
    if path.name.endswith(".json"):
        tok = Tokenizer.from_file(str(path))
        config_file = path.with_name("tokenizer_config.json")
        config = json.loads(config_file.read_text()) if config_file.is_file() else {}
        pad = config.get("pad_token", "[PAD]")
        pad = pad["content"] if isinstance(pad, dict) else pad
        pad_id = tok.token_to_id(pad)
        if pad_id is None:
            raise TokenizerError(f"{path}: pad token {pad} is not in the vocabulary")
        keep = {k: v for k, v in config.items() if isinstance(v, (str, int, float, bool, type(None)))}
        keep["pad_token_id"] = pad_id
        tok.no_padding()
        tok.no_truncation()
        return TokenizerFiles(tok, keep, str(path))
    return bert_tokenizer(read_vocab_txt(path), source=str(path))


# Words for built vocabularies: enough to tokenise referring expressions into whole words mostly.
COMMON_WORDS = """
a an the of in on at to from with without by for and or not no is are was were be been this that these
those it its he she they them his her their man woman person people boy girl child kid guy lady men
women player baby left right middle center front back behind top bottom up down near far next beside
above below under over side corner closest farthest first second third last big small large little tall
short long wide white black red blue green yellow orange brown gray grey pink purple dark light
bright striped shirt jacket coat hat cap dress pants jeans shorts skirt shoes glasses hair wearing
holding sitting standing walking riding looking car truck bus bike bicycle motorcycle train boat plane
horse dog cat cow sheep elephant giraffe zebra bear bird table chair couch bed bench tv laptop phone
cup bowl plate pizza cake sandwich donut banana apple orange broccoli umbrella bag tree sky grass
water road street sign building window door wall floor shape shapes circle square triangle star
cross ring object one two three four five partially visible part only half piece any other
""".split()


def build_wordpiece_vocab(size: int, words: list[str] = COMMON_WORDS) -> dict[str, int]:
    """A BERT-layout vocabulary of exactly `size` entries: the five specials, then characters and their
    `##` continuations (so that any lowercase ASCII text tokenises), then `words`, then filler."""
    tokens = list(BERT_SPECIALS)
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    tokens += chars + ["##" + c for c in string.ascii_lowercase + string.digits]
    tokens += [w for w in dict.fromkeys(words) if w not in tokens]
    if len(tokens) > size:
        raise TokenizerError(f"a vocabulary of {size} cannot hold the {len(tokens)} base tokens")
    tokens += [f"[unused{i}]" for i in range(size - len(tokens))]
    return {token: index for index, token in enumerate(tokens)}


def build_bert_tokenizer(size: int, words: list[str] = COMMON_WORDS) -> TokenizerFiles:
    vocab = build_wordpiece_vocab(size, words)
    return bert_tokenizer(vocab, source=f"built vocabulary of {size} tokens")
