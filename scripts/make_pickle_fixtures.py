#!/usr/bin/env python3
"""Writes the pickle fixtures and the tiny refer datasets that go with them (stdlib only).

Called by scripts/make-fixtures.mjs (which also writes the images); can be run alone:
    python3 scripts/make_pickle_fixtures.py fixtures

- fixtures/datasets/refer/<dataset>/refs(<splitBy>).p: assembled byte by byte the way Python 2.7's
  cPickle wrote refer's files with protocol 2 (str as SHORT_BINSTRING/BINSTRING, unicode as BINUNICODE,
  every string/list/dict memoized with BINPUT/LONG_BINPUT, repeated dict keys as BINGET/LONG_BINGET,
  APPENDS/SETITEMS in batches of 1000 and APPEND/SETITEM for a single item, 64-bit ints as text INT,
  longs as LONG1). Each file is read back with CPython's own unpickler and compared with what was meant.
- fixtures/datasets/refer/<dataset>/instances.json: the COCO images/annotations/categories they refer to.
- fixtures/pickles/cpython3-*.pickle: one plain-data object written by CPython 3 with protocols 0-5.
- fixtures/pickles/py2-style-mixed.pickle: the Python 2 assembler on every kind of value it handles.
- fixtures/pickles/malicious-*.pickle: pickles that would call os.system; groundcam must refuse them.
"""
import io
import json
import os
import pickle
import pickletools
import struct
import sys


# ----------------------------------------------------------------------------------------------
# A Python 2.7 cPickle (protocol 2) writer, for plain data only.
# Python 2 `str` is modelled by `bytes`, Python 2 `unicode` by `str`, Python 2 `long` by Long.
class Long(int):
    """A Python 2 long (pickled with LONG1 even when small)."""


class Py2Pickler:
    BATCHSIZE = 1000

    def __init__(self):
        self.out = io.BytesIO()
        self.memo = {}  # id(obj) -> memo index; objects stay alive inside the pickled structure

    def dumps(self, obj):
        self.out.write(b'\x80\x02')  # PROTO 2
        self.save(obj)
        self.out.write(b'.')  # STOP
        return self.out.getvalue()

    def w(self, b):
        self.out.write(b)

    def memoize(self, obj):
        idx = len(self.memo)
        self.memo[id(obj)] = idx
        self.w(b'q' + struct.pack('<B', idx) if idx < 256 else b'r' + struct.pack('<I', idx))

    def get(self, obj):
        idx = self.memo[id(obj)]
        self.w(b'h' + struct.pack('<B', idx) if idx < 256 else b'j' + struct.pack('<I', idx))

    def save(self, obj):
        if id(obj) in self.memo and isinstance(obj, (bytes, str, list, dict, tuple)):
            return self.get(obj)
        if obj is None:
            self.w(b'N')
        elif obj is True:
            self.w(b'\x88')
        elif obj is False:
            self.w(b'\x89')
        elif isinstance(obj, Long):
            n = int(obj)
            data = n.to_bytes((n.bit_length() + 8) // 8, 'little', signed=True) if n else b''
            self.w(b'\x8a' + struct.pack('<B', len(data)) + data)
        elif isinstance(obj, int):
            if 0 <= obj < 256:
                self.w(b'K' + struct.pack('<B', obj))
            elif 0 <= obj < 65536:
                self.w(b'M' + struct.pack('<H', obj))
            elif -2**31 <= obj < 2**31:
                self.w(b'J' + struct.pack('<i', obj))
            else:  # a 64-bit Python 2 int: cPickle falls back to the text INT opcode
                self.w(b'I' + str(obj).encode('ascii') + b'\n')
        elif isinstance(obj, float):
            self.w(b'G' + struct.pack('>d', obj))
        elif isinstance(obj, bytes):
            if len(obj) < 256:
                self.w(b'U' + struct.pack('<B', len(obj)) + obj)
            else:
                self.w(b'T' + struct.pack('<i', len(obj)) + obj)
            self.memoize(obj)
        elif isinstance(obj, str):
            data = obj.encode('utf-8')
            self.w(b'X' + struct.pack('<I', len(data)) + data)
            self.memoize(obj)
        elif isinstance(obj, tuple):
            if len(obj) == 0:
                self.w(b')')
                return
            if len(obj) <= 3:
                for x in obj:
                    self.save(x)
                self.w({1: b'\x85', 2: b'\x86', 3: b'\x87'}[len(obj)])
            else:
                self.w(b'(')
                for x in obj:
                    self.save(x)
                self.w(b't')
            self.memoize(obj)
        elif isinstance(obj, list):
            self.w(b']')
            self.memoize(obj)
            for start in range(0, len(obj), self.BATCHSIZE):
                batch = obj[start:start + self.BATCHSIZE]
                if len(batch) == 1:
                    self.save(batch[0])
                    self.w(b'a')
                else:
                    self.w(b'(')
                    for x in batch:
                        self.save(x)
                    self.w(b'e')
        elif isinstance(obj, dict):
            self.w(b'}')
            self.memoize(obj)
            items = list(obj.items())
            for start in range(0, len(items), self.BATCHSIZE):
                batch = items[start:start + self.BATCHSIZE]
                if len(batch) == 1:
                    self.save(batch[0][0])
                    self.save(batch[0][1])
                    self.w(b's')
                else:
                    self.w(b'(')
                    for k, v in batch:
                        self.save(k)
                        self.save(v)
                    self.w(b'u')
        else:
            raise TypeError('not plain data: %r' % (obj,))


def py2_dumps(obj):
    data = Py2Pickler().dumps(obj)
    # CPython's unpickler must read it back to exactly what was meant (bytes stay bytes).
    back = pickle.loads(data, encoding='bytes')
    assert back == obj, 'the assembled pickle does not read back'
    list(pickletools.genops(data))  # every opcode well formed
    return data


# ----------------------------------------------------------------------------------------------
# Refer datasets. Dict keys are single interned objects, as in Python 2 (so they come back as BINGET).
K = {k: k.encode('ascii') for k in ['ref_id', 'ann_id', 'image_id', 'split', 'category_id', 'file_name',
                                    'sent_ids', 'sentences', 'sent_id', 'sent', 'raw', 'tokens']}
S = {s: s.encode('ascii') for s in ['train', 'val', 'test', 'testA', 'testB']}

IMAGES = [
    # id, file_name, width, height
    (1, 'COCO_train2014_000000000001.jpg', 64, 48),
    (2, 'COCO_train2014_000000000002.jpg', 48, 64),
    (3, 'COCO_train2014_000000000003.jpg', 40, 30),
    (4, 'COCO_train2014_000000000004.jpg', 32, 32),
]
ANNOTATIONS = [
    # id, image_id, category_id, bbox [x, y, w, h]
    (101, 1, 1, [4.0, 6.0, 20.0, 30.0]),
    (102, 1, 1, [10.5, 5.25, 20.75, 30.0]),
    (103, 2, 18, [0.0, 0.0, 48.0, 64.0]),
    (104, 3, 18, [30.5, 10.0, 12.25, 8.0]),   # reaches past the right edge (30.5 + 12.25 > 40)
    (105, 2, 1, [1.0, 2.0, 3.0, 4.0]),
    (106, 4, 62, [8.0, 8.0, 16.0, 16.0]),
]
CATEGORIES = [(1, 'person'), (18, 'dog'), (62, 'chair')]


def sentence(sent_id, sent, raw=None, unicode_raw=False):
    raw = raw if raw is not None else sent
    tokens = [t for t in sent.split(b' ') if t]
    return {K['tokens']: tokens, K['raw']: raw.decode('utf-8') if unicode_raw else raw,
            K['sent_id']: sent_id, K['sent']: sent}


def ref(ref_id, ann_id, image_id, split, category_id, sentences):
    file_name = [f for (i, f, _, _) in IMAGES if i == image_id]
    file_name = file_name[0].replace('.jpg', '_%d.jpg' % ref_id).encode('ascii') if file_name else b'missing.jpg'
    return {K['image_id']: image_id, K['split']: S[split], K['sentences']: sentences,
            K['file_name']: file_name, K['category_id']: category_id, K['ann_id']: ann_id,
            K['sent_ids']: [s[K['sent_id']] for s in sentences], K['ref_id']: ref_id}


LONG_SENT = b'the ' + b' '.join(b'very' for _ in range(60)) + b' long sentence about the dog on the right'


def refcoco_plus_refs():
    refs = [
        ref(10, 101, 1, 'testA', 1, [sentence(1000, b'woman in front', b'Woman in front.', unicode_raw=True),
                                     sentence(1001, b'left lady')]),
        # one sentence: a single-item list (APPEND); UTF-8 bytes in a Python 2 str
        ref(11, 102, 1, 'testA', 1, [sentence(1002, 'man with café au lait'.encode('utf-8'))]),
        # latin-1 bytes (not valid UTF-8) in a Python 2 str; a sentence longer than 255 bytes (BINSTRING)
        ref(12, 103, 2, 'testB', 18, [sentence(1003, 'na\u00efve dog'.encode('latin-1')), sentence(1004, LONG_SENT)]),
        ref(13, 104, 3, 'testB', 18, [sentence(1005, b'dog at the edge')]),
        ref(14, 105, 2, 'val', 1, [sentence(1006, b'tiny person')]),
        # its annotation is not in instances.json: skipped and counted
        ref(15, 999, 1, 'testA', 1, [sentence(1007, b'ghost')]),
        # an empty sentence: skipped and counted
        ref(16, 101, 1, 'testA', 1, [sentence(1008, b'person again'), sentence(1009, b'')]),
    ]
    # Training refs, enough of them that memo indices pass 255 (LONG_BINPUT / LONG_BINGET).
    for k in range(40):
        refs.append(ref(100 + k, 106, 4, 'train', 62, [sentence(2000 + 2 * k, b'chair number %d' % k),
                                                       sentence(2001 + 2 * k, b'the chair %d' % k)]))
    return refs


def refcoco_refs():
    return [
        ref(20, 101, 1, 'testA', 1, [sentence(3000, b'front woman')]),
        ref(21, 103, 2, 'testB', 18, [sentence(3001, b'big dog'), sentence(3002, b'brown dog')]),
        ref(22, 106, 4, 'train', 62, [sentence(3003, b'chair')]),
    ]


def refcoco_google_refs():
    return [
        ref(20, 101, 1, 'train', 1, [sentence(3000, b'front woman')]),
        ref(21, 103, 2, 'val', 18, [sentence(3001, b'big dog'), sentence(3002, b'brown dog')]),
    ]


def refcocog_umd_refs():
    return [
        ref(30, 102, 1, 'test', 1, [sentence(4000, b'a man holding a cup of coffee'),
                                    sentence(4001, b'the man on the left side of the picture')]),
        ref(31, 104, 3, 'val', 18, [sentence(4002, b'a dog lying near the edge')]),
        ref(32, 106, 4, 'train', 62, [sentence(4003, b'an empty wooden chair')]),
    ]


def refcocog_google_refs():
    return [
        ref(30, 102, 1, 'val', 1, [sentence(4000, b'a man holding a cup of coffee')]),
        ref(32, 106, 4, 'train', 62, [sentence(4003, b'an empty wooden chair')]),
    ]


def instances_json():
    return {
        'info': {'description': 'groundcam test fixture in the refer instances.json layout'},
        'images': [{'id': i, 'file_name': f, 'width': w, 'height': h, 'license': 1} for (i, f, w, h) in IMAGES],
        'annotations': [{'id': a, 'image_id': im, 'category_id': c, 'bbox': b, 'area': b[2] * b[3], 'iscrowd': 0,
                         'segmentation': [[b[0], b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + b[3]]]}
                        for (a, im, c, b) in ANNOTATIONS],
        'categories': [{'id': c, 'name': n, 'supercategory': n} for (c, n) in CATEGORIES],
    }


# ----------------------------------------------------------------------------------------------
# CPython 3 pickles of one plain-data object, protocols 0-5.
def cpython_plain():
    shared = ['shared', 1]
    return {
        'none': None, 'true': True, 'false': False,
        'small': 7, 'neg': -3, 'int16': 40000, 'int32': -2**31, 'big': 2**40, 'huge': 2**70, 'neghuge': -2**70,
        'float': 1.5, 'negfloat': -0.1, 'inf': float('inf'),
        'str': 'hello', 'unicode': 'naïve café ☕ 𝔘', 'escapes': 'back\\slash\nnew\rline\x00nul \\u0041 end',
        'empty_str': '',
        'list': [1, 2, 3], 'one': [42], 'empty_list': [],
        'tuple0': (), 'tuple1': (1,), 'tuple2': (1, 'a'), 'tuple3': (1, 2, 3), 'tuple5': (1, 2, 3, 4, 5),
        'nested': {'a': [{'b': None}]},
        'intkeys': {1: 'one', 2: 'two'},
        'shared1': shared, 'shared2': shared,
        'long_list': list(range(1100)),
    }


def cpython_extras():
    return {'bytes': b'\x00\xffab', 'empty_bytes': b''}


def cpython_sets():
    return {'set': {1, 2, 3}, 'frozenset': frozenset(['a'])}


class _System:
    """Pickles as a call to os.system: never unpickle this anywhere but in groundcam's refusing reader."""

    def __reduce__(self):
        return (os.system, ('echo groundcam-must-never-run-this',))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else 'fixtures'
    refer = os.path.join(root, 'datasets', 'refer')
    for dataset, files in [
        ('refcoco+', {'unc': refcoco_plus_refs()}),
        ('refcoco', {'unc': refcoco_refs(), 'google': refcoco_google_refs()}),
        ('refcocog', {'umd': refcocog_umd_refs(), 'google': refcocog_google_refs()}),
    ]:
        for split_by, refs in files.items():
            write(os.path.join(refer, dataset, 'refs(%s).p' % split_by), py2_dumps(refs))
        with open(os.path.join(refer, dataset, 'instances.json'), 'w', encoding='utf-8') as f:
            json.dump(instances_json(), f)

    pickles = os.path.join(root, 'pickles')
    for proto in range(6):
        write(os.path.join(pickles, 'cpython3-plain-p%d.pickle' % proto), pickle.dumps(cpython_plain(), protocol=proto))
    for proto in range(3, 6):
        write(os.path.join(pickles, 'cpython3-bytes-p%d.pickle' % proto), pickle.dumps(cpython_extras(), protocol=proto))
    for proto in range(4, 6):
        write(os.path.join(pickles, 'cpython3-sets-p%d.pickle' % proto), pickle.dumps(cpython_sets(), protocol=proto))
    write(os.path.join(pickles, 'cpython3-bytearray-p5.pickle'), pickle.dumps({'ba': bytearray(b'xyz')}, protocol=5))

    shared = [b'x']
    mixed = {
        b'str': b'plain', b'utf8': 'caf\u00e9'.encode('utf-8'), b'latin1': b'na\xefve', b'unicode': 'ünï ☕',
        b'long_str': b'y' * 300, b'int64': 2**40, b'negint64': -2**40, b'long': Long(5), b'biglong': Long(2**70),
        b'neglong': Long(-300), b'zerolong': Long(0),
        b'float': 0.25, b'none': None, b'true': True, b'false': False, b'tuple': (1, b'a', None), b'tuple4': (1, 2, 3, 4),
        b'empty_tuple': (), b'shared_a': shared, b'shared_b': shared, b'one_item': {b'k': 1}, b'empty': [],
    }
    write(os.path.join(pickles, 'py2-style-mixed.pickle'), py2_dumps(mixed))

    # Refused: GLOBAL + REDUCE (protocols 0 and 2), STACK_GLOBAL (protocol 4), and the call hidden deep
    # inside otherwise plain data.
    write(os.path.join(pickles, 'malicious-system-p0.pickle'), pickle.dumps(_System(), protocol=0))
    write(os.path.join(pickles, 'malicious-system-p2.pickle'), pickle.dumps(_System(), protocol=2))
    write(os.path.join(pickles, 'malicious-system-p4.pickle'), pickle.dumps(_System(), protocol=4))
    write(os.path.join(pickles, 'malicious-nested-p2.pickle'),
          pickle.dumps([{'ref_id': 1, 'sentences': [{'sent': _System()}]}], protocol=2))


if __name__ == '__main__':
    main()
