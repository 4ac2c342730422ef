"""The bundled model's tokenizer: a WordPiece vocabulary of BERT's special tokens and the shapes
benchmark's 19 words, lower-case, saved as a Hugging Face `tokenizer.json` (+ `tokenizer_config.json`)."""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import BertWordPieceTokenizer

from ..core.text_rules import clean_albef
from .phrases import WORDS

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def shapes_vocab() -> dict[str, int]:
    """[PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, then the words in vocabulary.ts order."""
    return {token: index for index, token in enumerate((*SPECIALS, *WORDS))}


def build_tokenizer() -> BertWordPieceTokenizer:
    return BertWordPieceTokenizer(shapes_vocab(), lowercase=True, strip_accents=None, clean_text=True,
                                  handle_chinese_chars=True)


def write_tokenizer(folder: Path) -> Path:
    """Writes tokenizer.json and tokenizer_config.json into `folder`; returns the tokenizer.json path."""
    folder.mkdir(parents=True, exist_ok=True)
    tok = build_tokenizer()
    tok.no_padding()
    tok.no_truncation()
    path = folder / "tokenizer.json"
    tok.save(str(path))
    config = {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": 32,
              "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
              "mask_token": "[MASK]", "clean_up_tokenization_spaces": True}
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    return path


class PhraseEncoder:
    """Phrase -> ids as the evaluator does it (model.json text rules: clean 'albef', [CLS] ... [SEP],
    no first-token swap, padded to the batch's longest with [PAD] = 0)."""

    def __init__(self) -> None:
        self.tokenizer = build_tokenizer()
        self.cache: dict[str, list[int]] = {}
        self.unk_id = self.tokenizer.token_to_id("[UNK]")

    def ids(self, phrase: str) -> list[int]:
        ids = self.cache.get(phrase)
        if ids is None:
            ids = self.tokenizer.encode(clean_albef(phrase)).ids
            if self.unk_id in ids:
                raise ValueError(f"phrase {phrase!r} has a word outside the shapes vocabulary")
            self.cache[phrase] = ids
        return ids

    def batch(self, phrases: list[str]):
        import torch

        rows = [self.ids(p) for p in phrases]
        width = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        mask = torch.zeros(len(rows), width, dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        return ids, mask
