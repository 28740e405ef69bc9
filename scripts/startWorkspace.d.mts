// Types for startWorkspace.mjs (a plain script, so `npm start` runs without a build step).
export declare function prepareWorkspace(cacheDir: string, sample: string): { path: string; copied: boolean };
