"""Builds a tiny BERT-uncased tokenizer (fixtures/tokenizers/bert-tiny/) and golden encodings made by
Hugging Face's Python tokenizer, for test/models/tokenizer.test.ts.

    .venv/bin/python test/reference/tokenizer_reference.py   # needs the `tokenizers` package
"""
import json
import os
import tempfile

from tokenizers import BertWordPieceTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, 'fixtures', 'tokenizers', 'bert-tiny')

WORDS = """the a an of on in at to left right front back man woman person people dog cat red blue green
yellow small large big circle square triangle above below near shirt hat wearing holding two with and""".split()
PIECES = ['##s', '##ing', '##ed', '##er', '##est', '##y']
SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
CHARS = list('abcdefghijklmnopqrstuvwxyz0123456789') + ['##' + c for c in 'abcdefghijklmnopqrstuvwxyz']
PUNCT = list(".,!?'-/()")

PHRASES = ["the red circle", "Man on the LEFT", "smallest squares", "woman wearing a hat",
           "zebra crossing", "café naïve", "two dogs, one cat!", "", "   ", "x" * 40,
           "the small blue triangle above the large red square"]

def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        vocab = os.path.join(tmp, 'vocab.txt')
        with open(vocab, 'w') as f:
            f.write('\n'.join(SPECIAL + WORDS + PIECES + CHARS + PUNCT + ['[ENC]']) + '\n')
        tok = BertWordPieceTokenizer(vocab, lowercase=True)
        tok.add_special_tokens(['[ENC]'])
        tok.save(os.path.join(OUT, 'tokenizer.json'))
    golden = [{'phrase': p, 'ids': tok.encode(p).ids, 'tokens': tok.encode(p).tokens} for p in PHRASES]
    with open(os.path.join(HERE, '..', 'models', 'tokenizer.golden.json'), 'w') as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)

if __name__ == '__main__':
    main()
