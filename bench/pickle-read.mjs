#!/usr/bin/env node
// Times groundcam's restricted pickle reader against CPython's C unpickler on a refs(unc).p-sized
// pickle (49,856 refs × 3 sentences, assembled as Python 2 wrote it). Prints the ratio.
// Usage: npm run build && node bench/pickle-read.mjs      (needs python3; writes under bench/out/)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPickle } from '../dist/data/pickle.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repo, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, 'refs-like.p');
const py = `
import random, sys, time, pickle
sys.path.insert(0, ${JSON.stringify(path.join(repo, 'scripts'))})
import make_pickle_fixtures as m
random.seed(0)
words = [w.encode() for w in 'the a man woman left right red shirt blue car dog cat front back middle guy girl boy'.split()]
refs, sid = [], 0
for r in range(49856):
    sents = []
    for k in range(3):
        sents.append(m.sentence(sid, b' '.join(random.choice(words) for _ in range(random.randint(1, 8))))); sid += 1
    refs.append(m.ref(r, r, 1, random.choice(['train', 'val', 'testA', 'testB']), 1, sents))
data = m.Py2Pickler().dumps(refs)
open(${JSON.stringify(file)}, 'wb').write(data)
best = min((lambda t: (pickle.loads(data, encoding='latin1'), time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(3))
print(best)
`;
const cpython = Number(execFileSync('python3', ['-c', py], { encoding: 'utf8' }).trim());
const data = readFileSync(file);
readPickle(data); // warm-up
let best = Infinity;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  readPickle(data);
  best = Math.min(best, (performance.now() - t) / 1000);
}
console.log(`pickle: ${(data.length / 1e6).toFixed(1)} MB, 49,856 refs`);
console.log(`CPython pickle.loads (C): ${cpython.toFixed(3)} s`);
console.log(`groundcam readPickle:     ${best.toFixed(3)} s  (${(best / cpython).toFixed(2)}× CPython)`);
