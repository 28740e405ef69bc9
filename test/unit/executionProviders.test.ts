// Which execution providers the engine tries, per setting and platform, and the reason it gives
// the user when one is skipped. The table is the contract; CUDA's library is looked for on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bindingDir, chooseProviders, PROVIDER_TABLE } from '../../src/engine/executionProviders';

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
  assert.deepEqual(chooseProviders('auto', 'linux-arm64'), { candidates: ['cpu'], skipped: [] }, 'no CUDA build for linux-arm64: nothing to report');
  assert.deepEqual(chooseProviders('auto', 'freebsd-x64'), { candidates: ['cpu'], skipped: [] }, 'an unknown platform gets the CPU');
});

test("'auto' on linux-x64 without the CUDA libraries: CPU, and the reason names the folder looked in", { skip: cudaSkip }, () => {
  const dir = bindingDir('linux-x64');
  const { candidates, skipped } = chooseProviders('auto', 'linux-x64');
  assert.deepEqual(candidates, ['cpu']);
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0].provider, 'cuda');
  assert.ok(skipped[0].reason.startsWith(`CUDA libraries not found at ${dir} (libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so missing`), skipped[0].reason);
});

test("'cuda' asked for on linux-x64 without the CUDA libraries: CPU, with the reason", { skip: cudaSkip }, () => {
  const { candidates, skipped } = chooseProviders('cuda', 'linux-x64');
  assert.deepEqual(candidates, ['cpu']);
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0].provider, 'cuda');
  assert.match(skipped[0].reason, /^CUDA libraries not found at .*README, "Execution providers"/);
});

test("CUDA's files beside the binding make 'auto' try CUDA first; one of the two is not enough", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-cuda-'));
  try {
    writeFileSync(join(dir, 'libonnxruntime_providers_cuda.so'), '');
    const half = chooseProviders('auto', 'linux-x64', dir);
    assert.deepEqual(half.candidates, ['cpu']);
    assert.match(half.skipped[0].reason, /libonnxruntime_providers_shared\.so missing/);
    assert.doesNotMatch(half.skipped[0].reason, /providers_cuda\.so/);
    writeFileSync(join(dir, 'libonnxruntime_providers_shared.so'), '');
    assert.deepEqual(chooseProviders('auto', 'linux-x64', dir), { candidates: ['cuda', 'cpu'], skipped: [] });
    assert.deepEqual(chooseProviders('cuda', 'linux-x64', dir), { candidates: ['cuda', 'cpu'], skipped: [] });
    // Windows looks for the .dll names, and DirectML comes after CUDA
    assert.deepEqual(chooseProviders('auto', 'win32-x64', dir).candidates, ['dml', 'cpu']);
    writeFileSync(join(dir, 'onnxruntime_providers_cuda.dll'), '');
    writeFileSync(join(dir, 'onnxruntime_providers_shared.dll'), '');
    assert.deepEqual(chooseProviders('auto', 'win32-x64', dir), { candidates: ['cuda', 'dml', 'cpu'], skipped: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
