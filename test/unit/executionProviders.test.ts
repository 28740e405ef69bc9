// Which execution providers the engine tries, per setting and platform, and the reason it gives
// the user when one is skipped. The table is the contract; CUDA's library is looked for on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chooseProviders, PROVIDER_TABLE } from '../../src/engine/executionProviders';

const cudaLib = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
const cudaSkip = existsSync(cudaLib) && 'the CUDA provider library is installed here';

test('cpu is always tried, last', () => {
  for (const platform of [...Object.keys(PROVIDER_TABLE), 'freebsd-x64']) {
    for (const setting of ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const) {
      const { candidates } = chooseProviders(setting, platform);
      assert.equal(candidates[candidates.length - 1], 'cpu', `${setting} on ${platform}`);
      assert.equal(candidates.filter((c) => c === 'cpu').length, 1);
    }
  }
});

test("'cpu' tries only the CPU and skips nothing", () => {
  assert.deepEqual(chooseProviders('cpu', 'linux-x64'), { candidates: ['cpu'], skipped: [] });
  assert.deepEqual(chooseProviders('cpu', 'darwin-arm64'), { candidates: ['cpu'], skipped: [] });
});

test("'auto' follows the platform's table: CoreML first on macOS, DirectML on Windows arm64", () => {
  assert.deepEqual(chooseProviders('auto', 'darwin-arm64'), { candidates: ['coreml', 'cpu'], skipped: [] });
  assert.deepEqual(chooseProviders('auto', 'win32-arm64'), { candidates: ['dml', 'cpu'], skipped: [] });
  assert.deepEqual(chooseProviders('auto', 'linux-arm64'), { candidates: ['cpu'], skipped: [] });
  assert.deepEqual(chooseProviders('auto', 'freebsd-x64'), { candidates: ['cpu'], skipped: [] }, 'an unknown platform gets the CPU');
});

test("'auto' on linux-x64 without the CUDA library picks the CPU quietly", { skip: cudaSkip }, () => {
  // auto means "best available": an absent optional provider is not something to warn about
  assert.deepEqual(chooseProviders('auto', 'linux-x64'), { candidates: ['cpu'], skipped: [] });
});

test("'cuda' asked for on linux-x64 without the CUDA library: CPU, with the reason", { skip: cudaSkip }, () => {
  const { candidates, skipped } = chooseProviders('cuda', 'linux-x64');
  assert.deepEqual(candidates, ['cpu']);
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0].provider, 'cuda');
  assert.match(skipped[0].reason, /CUDA provider library is not installed/);
});

test('a provider the platform does not have is skipped with the platform named', () => {
  assert.deepEqual(chooseProviders('dml', 'linux-x64'), { candidates: ['cpu'], skipped: [{ provider: 'dml', reason: 'dml is not available on linux-x64' }] });
  assert.deepEqual(chooseProviders('coreml', 'win32-x64'), { candidates: ['cpu'], skipped: [{ provider: 'coreml', reason: 'coreml is not available on win32-x64' }] });
  assert.deepEqual(chooseProviders('cuda', 'darwin-arm64'), { candidates: ['cpu'], skipped: [{ provider: 'cuda', reason: 'cuda is not available on darwin-arm64' }] });
  assert.deepEqual(chooseProviders('coreml', 'darwin-x64'), { candidates: ['coreml', 'cpu'], skipped: [] });
});

test('the table is frozen: a caller cannot change what every later choice reads', () => {
  assert.ok(Object.isFrozen(PROVIDER_TABLE));
  const { candidates } = chooseProviders('auto', 'darwin-arm64');
  candidates.push('cuda');
  assert.deepEqual(chooseProviders('auto', 'darwin-arm64').candidates, ['coreml', 'cpu']);
});
