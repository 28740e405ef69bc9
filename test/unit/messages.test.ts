/** The helpers behind one-line messages: escaping, onnxruntime's reasons, option parsing and
 * range checks, bounded reads and config.json validation. Expected texts are written out by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeControl, escapeJsonControl } from '../../src/util/escape';
import { visibleToken } from '../../src/util/format';
import { explainOrtError, ortReason } from '../../src/engine/ortErrors';
import { intOption } from '../../src/cli/context';
import { parseCli } from '../../src/cli/options';
import { readBounded } from '../../src/util/readBounded';
import { readModelConfig } from '../../src/engine/modelConfig';
import { namePatterns } from '../../src/engine/features/export/exportActivations';
import { toWireError, RpcError } from '../../src/protocol/rpc';

const tmp = () => mkdtempSync(join(tmpdir(), 'tl-msg-'));
const fail = (m: string) => new Error(m);

test('escapeControl escapes C0, C1, separators and bidi overrides, and keeps everything else', () => {
  assert.equal(escapeControl('a\u001b[2J\u001b[Hb'), 'a\\x1b[2J\\x1b[Hb');
  assert.equal(escapeControl('x\ny\r\tz'), 'x\\ny\\r\\tz');
  assert.equal(escapeControl('\u009b31m\u007f'), '\\x9b31m\\x7f');
  assert.equal(escapeControl('abc\u202edef\u2066\u2028'), 'abc\\u202edef\\u2066\\u2028');
  assert.equal(escapeControl('naïve ∑ 日本 ⏎ · "quoted"'), 'naïve ∑ 日本 ⏎ · "quoted"');
  assert.equal(visibleToken(' if\n\u0007'), '·if⏎\\x07');
});

test('escapeJsonControl keeps JSON valid and the value the same', () => {
  const value = { name: 'a\u009bb\u202ec', n: 1 };
  const escaped = escapeJsonControl(JSON.stringify(value));
  assert.doesNotMatch(escaped, /[\u007f-\u009f\u202e]/);
  assert.deepEqual(JSON.parse(escaped), value);
});

test('errors crossing the RPC channel are escaped to one line', () => {
  assert.deepEqual(toWireError(new RpcError('ModelLoadError', 'input \u001b[2Jname\nsecond')), { code: 'ModelLoadError', message: 'input \\x1b[2Jname\\nsecond' });
  assert.equal(toWireError(new Error('\u001b]0;title\u0007')).message, '\\x1b]0;title\\x07');
});

const ARENA =
  "Non-zero status code returned while running ConstantOfShape node. Name:'' Status Message: /onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:360 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*) Failed to allocate memory for requested buffer of size 4398046511104\n";

test("onnxruntime's reason is kept, its source paths and signatures dropped, on one line", () => {
  assert.equal(ortReason(new Error(ARENA)), "Non-zero status code returned while running ConstantOfShape node. Name:'' Status Message: Failed to allocate memory for requested buffer of size 4398046511104");
  const reshape =
    "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Non-zero status code returned while running Reshape node. Name:'/transformer/Reshape' Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/tensor/reshape_helper.h:33 onnxruntime::ReshapeHelper::ReshapeHelper(const onnxruntime::TensorShape&, onnxruntime::TensorShapeVector&, bool) i < input_shape.NumDimensions() was false. The dimension with value zero exceeds the dimension size of the input tensor.";
  assert.equal(ortReason(reshape), "Non-zero status code returned while running Reshape node. Name:'/transformer/Reshape' Status Message: i < input_shape.NumDimensions() was false. The dimension with value zero exceeds the dimension size of the input tensor");
  // a long message keeps its end, where onnxruntime puts the reason (it was cut at 400 characters)
  const long = `${'x'.repeat(900)} /onnxruntime_src/a/optimizer_execution_frame.cc:74 onnxruntime::Info::Info(int) the real reason`;
  const r = ortReason(long);
  assert.ok(r.endsWith('the real reason'), r);
  assert.ok(r.length <= 600);
  assert.doesNotMatch(r, /onnxruntime_src|\.cc:/);
  assert.equal(ortReason('Load model from /m/model.onnx failed:Protobuf parsing failed.'), 'Protobuf parsing failed');
});

test('an impossible allocation and an id past the embedding are explained', () => {
  assert.match(explainOrtError(new Error(ARENA), 'lm'), /^lm tried to allocate too much memory \(4\.0 TB in one buffer\)/);
  const gather = "Non-zero status code returned while running Gather node. Name:'' Status Message: indices element out of data bounds, idx=276 must be within the inclusive range [-16,15]";
  assert.match(explainOrtError(gather, 'lm'), /^token id 276 is outside lm's embedding of 16 rows/);
  assert.equal(explainOrtError('something else.', 'lm'), 'onnxruntime could not run lm: something else');
});

test('numeric options: whole numbers in range, or a message naming the option and the range', () => {
  assert.equal(intOption('12', '--batch', 1, 1024), 12);
  assert.equal(intOption('0', '--threads', 0, 64), 0);
  for (const bad of ['-1', '0', 'abc', '1.5', '1e3', '', '1025', '99999999999999999999']) {
    assert.throws(() => intOption(bad, '--batch', 1, 1024), (e: Error) => e.message === `--batch must be a whole number from 1 to 1,024 (got "${bad}").`, bad);
  }
  assert.throws(() => intOption('abc', '--position', 0, Infinity), /--position must be a whole number ≥ 0 \(got "abc"\)/);
});

test('parseCli: negative numbers reach their option, unknown options and missing values get one line', () => {
  assert.equal(parseCli(['induction', '--batch', '-1']).options.batch, '-1');
  assert.equal(parseCli(['lens', '--target', '-', 'x']).options.target, '-');
  assert.deepEqual(parseCli(['next-token', '--json', 'hi']).positionals, ['next-token', 'hi']);
  assert.deepEqual(parseCli(['next-token', '--', '--not-an-option']).positionals, ['next-token', '--not-an-option']);
  assert.equal(parseCli(['-v']).options.version, true);
  assert.throws(() => parseCli(['next-token', '--bogus', 'x']), (e: Error) => e.message === 'Unknown option --bogus; see tensorloupe --help (text that starts with a dash goes after --).');
  assert.throws(() => parseCli(['activations', 'x', '--out']), /^Error: --out needs a value|--out needs a value/);
  assert.throws(() => parseCli(['next-token', '--json=yes', 'x']), /--json takes no value/);
});

test('readBounded stops at its bound and names the file for folders, dangling links and devices', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'big.txt'), 'x'.repeat(2000));
  assert.equal(readBounded(join(dir, 'big.txt'), 2000, fail).length, 2000);
  assert.throws(() => readBounded(join(dir, 'big.txt'), 1999, fail), new RegExp(`${join(dir, 'big.txt')} is 2.0 KB, more than the 2.0 KB`));
  assert.throws(() => readBounded('/dev/zero', 4096, fail), /^Error: \/dev\/zero is longer than the 4.0 KB Tensorloupe reads from it\.$/);
  mkdirSync(join(dir, 'folder'));
  assert.throws(() => readBounded(join(dir, 'folder'), 10, fail), new RegExp(`${join(dir, 'folder')} is a folder, not a file`));
  symlinkSync(join(dir, 'gone'), join(dir, 'link'));
  assert.throws(() => readBounded(join(dir, 'link'), 10, fail), new RegExp(`${join(dir, 'link')} is a symbolic link to ${join(dir, 'gone')}, which does not exist`));
  assert.throws(() => readBounded(join(dir, 'nothing'), 10, fail), new RegExp(`${join(dir, 'nothing')} does not exist\\.$`));
});

test('config.json: invalid sizes and token ids are named with the file and the key; null means absent', () => {
  const dir = tmp();
  const path = join(dir, 'config.json');
  const check = (config: unknown) => {
    writeFileSync(path, JSON.stringify(config));
    return readModelConfig(path);
  };
  assert.deepEqual(check({ n_positions: 2048, vocab_size: 4096, n_inner: null, n_head: null, eos_token_id: [0, 2] }), { n_positions: 2048, vocab_size: 4096, n_inner: null, eos_token_id: [0, 2] });
  for (const [key, value] of [['n_positions', 0], ['n_positions', -5], ['n_positions', []], ['vocab_size', 1e15], ['n_head', 2.5], ['max_position_embeddings', '1024']] as const) {
    assert.throws(() => check({ [key]: value }), (e: Error) => e.message.startsWith(`${path}: ${key} is invalid: it must be a whole number from`) && e.message.includes(`(got ${JSON.stringify(value)})`), `${key} ${JSON.stringify(value)}`);
  }
  assert.throws(() => check({ vocab_size: 100, bos_token_id: -1 }), new RegExp(`${path}: bos_token_id is invalid: it must be a token id from 0 to 99 \\(got -1\\)`));
  assert.throws(() => check({ vocab_size: 100, eos_token_id: [1, 100] }), /eos_token_id is invalid.*\(got 100\)/);
  assert.deepEqual(check({ pad_token_id: -1 }), { pad_token_id: -1 }, 'pad_token_id is not read, early LLaMA configs set it to -1');
});

test('namePatterns folds layer numbers', () => {
  assert.equal(namePatterns(['hook_embed', 'blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre', 'blocks.1.attn.hook_pattern', 'ln_final.hook_normalized']),
    'hook_embed, blocks.*.hook_resid_pre (layers 0-1), blocks.*.attn.hook_pattern (layers 1-1), ln_final.hook_normalized');
  assert.match(namePatterns([]), /^none/);
});
