"""Reference caption cleaning, written from the ALBEF, LAVIS and CLIP sources' behaviour.

Regenerate the goldens used by test/models/text-clean.test.ts:
    python3 test/reference/text_clean_reference.py > test/models/text-clean.golden.json
"""
import json
import re

def albef(caption, max_words=30):
    caption = re.sub(r"([,.'!?\"()*#:;~])", '', caption.lower()).replace('-', ' ').replace('/', ' ').replace('<person>', 'person')
    caption = re.sub(r"\s{2,}", ' ', caption)
    caption = caption.rstrip('\n').strip(' ')
    words = caption.split(' ')
    return ' '.join(words[:max_words]) if len(words) > max_words else caption

def blip(caption, max_words=50):
    caption = re.sub(r"([.!\"()*#:;~])", ' ', caption.lower())
    caption = re.sub(r"\s{2,}", ' ', caption)
    caption = caption.rstrip('\n').strip(' ')
    words = caption.split(' ')
    return ' '.join(words[:max_words]) if len(words) > max_words else caption

def clip(text):
    return re.sub(r'\s+', ' ', text).strip()

CASES = [
    "The woman in front",
    "man on left, wearing a hat!",
    "  two  spaces   here  ",
    "guy's shirt (blue) -- left/right",
    "<person> holding a cat.",
    "Zoë's café: naïve façade?",
    "tab\there\nnewline",
    "a-b/c*d#e:f;g~h\"i'j",
    " ".join(f"w{i}" for i in range(40)),
    "...",
    "",
    "UPPER lower MiXeD",
    "dots... and!!! bangs",
]

if __name__ == '__main__':
    out = [{"input": c, "albef": albef(c), "albef5": albef(c, 5), "blip": blip(c), "clip": clip(c)} for c in CASES]
    print(json.dumps(out, ensure_ascii=False, indent=1))
