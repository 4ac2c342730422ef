"""Caption cleaning before tokenisation, as the reference code does it. model.json's `text.clean`
names the rule; the TypeScript evaluator implements the same and the fixtures' goldens pin it."""

from __future__ import annotations

import html
import re


def _truncate_words(caption: str, max_words: int | None) -> str:
    words = caption.split(" ")
    return " ".join(words[:max_words]) if max_words is not None and len(words) > max_words else caption


def clean_albef(caption: str, max_words: int | None = 30) -> str:
    """ALBEF dataset/utils.py pre_caption (grounding: max_words 30)."""
    caption = re.sub(r"([,.'!?\"()*#:;~])", "", caption.lower())
    caption = caption.replace("-", " ").replace("/", " ").replace("<person>", "person")
    caption = re.sub(r"\s{2,}", " ", caption).rstrip("\n").strip(" ")
    return _truncate_words(caption, max_words)


def clean_blip(caption: str, max_words: int | None = 50) -> str:
    """LAVIS BlipCaptionProcessor.pre_caption (prompt ''; max_words 50)."""
    caption = re.sub(r"([.!\"()*#:;~])", " ", caption.lower())
    caption = re.sub(r"\s{2,}", " ", caption).rstrip("\n").strip(" ")
    return _truncate_words(caption, max_words)


def clean_clip(caption: str, max_words: int | None = None) -> str:
    """CLIP simple_tokenizer basic_clean + whitespace_clean + lower (without ftfy's mojibake repair)."""
    caption = html.unescape(html.unescape(caption)).strip()
    return re.sub(r"\s+", " ", caption).strip().lower()


def clean_none(caption: str, max_words: int | None = None) -> str:
    return caption


CLEANERS = {"albef": clean_albef, "blip": clean_blip, "clip": clean_clip, "none": clean_none}
