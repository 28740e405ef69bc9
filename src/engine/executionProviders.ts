import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';
export type ProviderSetting = ProviderName | 'auto';

/** Preferred providers per platform/arch, best first; CPU always last. Frozen: one table. */
export const PROVIDER_TABLE: Readonly<Record<string, readonly ProviderName[]>> = Object.freeze({
  'linux-x64': ['cuda', 'cpu'],
  'linux-arm64': ['cpu'],
  'win32-x64': ['cuda', 'dml', 'cpu'],
  'win32-arm64': ['dml', 'cpu'],
  'darwin-x64': ['coreml', 'cpu'],
  'darwin-arm64': ['coreml', 'cpu'],
});

export interface ProviderChoice {
  /** providers to try, best first */
  candidates: ProviderName[];
  /** providers skipped before trying, with the reason (shown to the user) */
  skipped: { provider: ProviderName; reason: string }[];
}

/**
 * CUDA's provider library is not in the npm package: onnxruntime-node's install script fetches
 * it, and this project installs with that step skipped. Look for it instead of failing at run.
 */
function cudaInstalled(): boolean {
  try {
    const binding = require.resolve('onnxruntime-node/package.json');
    const dir = join(dirname(binding), 'bin', 'napi-v6', process.platform, process.arch);
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(dir, lib));
  } catch {
    return false;
  }
}

export function chooseProviders(setting: ProviderSetting, platform = `${process.platform}-${process.arch}`): ProviderChoice {
  const table = PROVIDER_TABLE[platform] ?? ['cpu'];
  const wanted: ProviderName[] = setting === 'auto' ? [...table] : setting === 'cpu' ? ['cpu'] : [setting, 'cpu'];
  const skipped: ProviderChoice['skipped'] = [];
  const candidates = wanted.filter((p) => {
    if (p !== 'cpu' && !table.includes(p)) {
      skipped.push({ provider: p, reason: `${p} is not available on ${platform}` });
      return false;
    }
    if (p === 'cuda' && !cudaInstalled()) {
      if (setting === 'cuda') {
        skipped.push({
          provider: p,
          reason: 'the CUDA provider library is not installed (onnxruntime-node was installed without its CUDA download)',
        });
      }
      return false;
    }
    return true;
  });
  if (!candidates.includes('cpu')) candidates.push('cpu');
  return { candidates, skipped };
}
