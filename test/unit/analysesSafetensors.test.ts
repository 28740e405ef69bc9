/** safetensors writer/reader: byte layout of the header, round trip, and numpy reading the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, writeSafetensors } from '../../src/engine/features/export/safetensors.js';

const tensors = {
  'blocks.0.attn.hook_pattern': { dims: [1, 2, 2, 2], data: Float32Array.from([1, 0, 0.25, 0.75, 1, 0, 0.5, 0.5]) },
  'hook_embed': { dims: [1, 2, 3], data: Float32Array.from([1.5, -2, 3e-8, 4, 5, -6.25]) },
};

test('header layout byte by byte', () => {
  const bytes = encodeSafetensors(tensors, { format: 'pt' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const json = '{"__metadata__":{"format":"pt"},"blocks.0.attn.hook_pattern":{"dtype":"F32","shape":[1,2,2,2],"data_offsets":[0,32]},' +
    '"hook_embed":{"dtype":"F32","shape":[1,2,3],"data_offsets":[32,56]}}';
  const padded = json + ' '.repeat((8 - (json.length % 8)) % 8);
  assert.equal(n, padded.length);
  assert.equal(n % 8, 0);
  assert.deepEqual([...bytes.subarray(0, 8)], [n & 0xff, n >> 8, 0, 0, 0, 0, 0, 0]);
  assert.equal(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'), padded);
  assert.equal(bytes.length, 8 + n + 56);
  // first float of the data section is 1.0f little-endian
  assert.deepEqual([...bytes.subarray(8 + n, 8 + n + 4)], [0x00, 0x00, 0x80, 0x3f]);
});

test('round trip through a file', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tl-st-')), 'a.safetensors');
  await writeSafetensors(path, tensors, { model: 'x' });
  const back = decodeSafetensors(readFileSync(path));
  assert.deepEqual(back.metadata, { model: 'x' });
  for (const [name, t] of Object.entries(tensors)) {
    assert.deepEqual(back.tensors.get(name)?.dims, t.dims);
    assert.deepEqual(back.tensors.get(name)?.data, t.data);
  }
  assert.throws(() => encodeSafetensors({ x: { dims: [3], data: new Float32Array(2) } }), SafetensorsError);
  assert.throws(() => decodeSafetensors(new Uint8Array(4)), SafetensorsError);
});

const PY = '/usr/bin/python3';
const hasNumpy = existsSync(PY) && (() => {
  try {
    execFileSync(PY, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('numpy reads it with a 10-line reader', { skip: hasNumpy ? false : 'no /usr/bin/python3 with numpy' }, async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tl-st-')), 'b.safetensors');
  await writeSafetensors(path, tensors);
  const reader = `
import json, struct, sys, numpy as np
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
out = {}
for name, v in header.items():
    if name == '__metadata__': continue
    b, e = v['data_offsets']
    out[name] = np.frombuffer(raw[8 + n + b:8 + n + e], dtype='<f4').reshape(v['shape']).tolist()
print(json.dumps(out))`;
  const got = JSON.parse(execFileSync(PY, ['-c', reader, path], { encoding: 'utf8' })) as Record<string, unknown>;
  assert.deepEqual(got['hook_embed'], [[[1.5, -2, Number(Float32Array.from([3e-8])[0])], [4, 5, -6.25]]]);
  assert.deepEqual(got['blocks.0.attn.hook_pattern'], [[[[1, 0], [0.25, 0.75]], [[1, 0], [0.5, 0.5]]]]);
});
