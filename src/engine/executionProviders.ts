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

/** The files onnxruntime loads for its CUDA provider; they must sit beside onnxruntime_binding.node. */
export function cudaLibraryNames(platform: string): string[] {
  return platform.startsWith('win32')
    ? ['onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll']
    : ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
}

/** onnxruntime-node's native folder for a platform: bin/napi-v6/<platform>/<arch> (where its install script puts the CUDA files). */
export function bindingDir(platform = `${process.platform}-${process.arch}`): string {
  const [os, arch] = platform.split('-');
  return join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', os, arch);
}

export interface CudaLibraries {
  dir: string;
  /** the CUDA provider files not in `dir` (empty: installed) */
  missing: string[];
}

/**
 * CUDA's provider libraries are not in the npm package: onnxruntime-node's install script fetches
 * them from NuGet (Microsoft.ML.OnnxRuntime.Gpu.Linux) into the binding's folder, and this project
 * installs with that step skipped. Look for them instead of failing at run time. CUDA 12 and
 * cuDNN 9 themselves are found by the system's loader when the session starts; if they are
 * missing, the session fails and the engine falls back with onnxruntime's reason.
 */
export function findCudaLibraries(platform = `${process.platform}-${process.arch}`, dir?: string): CudaLibraries {
  let folder = dir;
  try {
    folder ??= bindingDir(platform);
  } catch {
    return { dir: 'onnxruntime-node (not resolvable)', missing: cudaLibraryNames(platform) };
  }
  return { dir: folder, missing: cudaLibraryNames(platform).filter((f) => !existsSync(join(folder as string, f))) };
}

export function cudaMissingReason(libs: CudaLibraries): string {
  return `CUDA libraries not found at ${libs.dir} (${libs.missing.join(', ')} missing; onnxruntime-node's CUDA 12 binaries are a separate install: see the README, "Execution providers")`;
}

/**
 * The providers to try for a setting on a platform, and why any was skipped. `auto` tries the
 * platform's table (CUDA where its libraries are present, DirectML on Windows, CoreML on macOS,
 * then CPU); a named provider is tried before the CPU. A skipped CUDA is reported for `auto`
 * too: a user with a GPU needs to know why it is not used. `cudaDir` stands in for the binding's
 * folder in tests.
 */
export function chooseProviders(setting: ProviderSetting, platform = `${process.platform}-${process.arch}`, cudaDir?: string): ProviderChoice {
  const table = PROVIDER_TABLE[platform] ?? ['cpu'];
  const wanted: ProviderName[] = setting === 'auto' ? [...table] : setting === 'cpu' ? ['cpu'] : [setting, 'cpu'];
  const skipped: ProviderChoice['skipped'] = [];
  const candidates = wanted.filter((p) => {
    if (p !== 'cpu' && !table.includes(p)) {
      skipped.push({ provider: p, reason: `${p} is not available on ${platform}` });
      return false;
    }
    if (p === 'cuda') {
      const libs = findCudaLibraries(platform, cudaDir);
      if (libs.missing.length > 0) {
        skipped.push({ provider: p, reason: cudaMissingReason(libs) });
        return false;
      }
    }
    return true;
  });
  if (!candidates.includes('cpu')) candidates.push('cpu');
  return { candidates, skipped };
}
