// One build, its targets as data: the extension host, the engine process, the CLI, and one
// bundle per webview panel. `vscode` and `onnxruntime-node` stay external (the first is given by
// the editor, the second is a native module shipped in node_modules).
//   node esbuild.config.mjs [--production] [--watch] [--outdir DIR]   (DIR default: dist)
// `--outdir` lets scripts/package.mjs build the minified VSIX bundles beside the checkout, so
// packaging never rewrites the dist/ that tests and `npm start` are using.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const outdirAt = process.argv.indexOf('--outdir');
const outdir = outdirAt >= 0 ? process.argv[outdirAt + 1] : 'dist';
if (!outdir || outdir.startsWith('--')) {
  console.error('esbuild.config.mjs: --outdir needs a folder');
  process.exit(2);
}

// Every Node bundle turns onnxruntime's telemetry off before any of its code runs (the bundle's
// hoisted requires come after the banner); src/engine/telemetryOff.ts says why.
const telemetryOff = "'use strict'; process.env.ORT_DISABLE_TELEMETRY = '1';";
const node = { platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'onnxruntime-node'], banner: { js: telemetryOff } };
const browser = { platform: 'browser', format: 'iife', target: 'es2022' };

// The TypeScript compiler (its scanner labels the builtin probe tasks) is most of a bundle: it gets
// one of its own, loaded on first use (src/engine/features/probes/builtinTasks.ts), so the engine
// and the CLI neither parse it at every start nor ship it twice.
const scanner = { define: { TENSORLOUPE_TYPESCRIPT_BUNDLE: '"./typescript.js"' } };

export const targets = [
  { ...node, entryPoints: ['node_modules/typescript/lib/typescript.js'], outfile: `${outdir}/typescript.js` },
  { ...node, entryPoints: ['src/extension.ts'], outfile: `${outdir}/extension.js` },
  { ...node, ...scanner, entryPoints: ['src/engine/main.ts'], outfile: `${outdir}/engine.js` },
  { ...node, ...scanner, entryPoints: ['src/cli/main.ts'], outfile: `${outdir}/cli.js`, banner: { js: `#!/usr/bin/env node\n${telemetryOff}` } },
  ...['nextToken', 'attention', 'lens', 'induction', 'dilution', 'projector', 'probes', 'modelInfo', 'baselines', 'interventions', 'image', 'audio', 'futureTokens', 'checkpoints', 'crossModal'].map((panel) => ({
    ...browser,
    entryPoints: [`webview/${panel}/main.ts`],
    outfile: `${outdir}/webview/${panel}.js`,
  })),
];

mkdirSync(`${outdir}/webview`, { recursive: true });

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
if (watch) {
  for (const t of targets) await (await esbuild.context({ ...common, ...t })).watch();
  console.log('esbuild: watching');
} else {
  const t0 = Date.now();
  await Promise.all(targets.map((t) => esbuild.build({ ...common, ...t })));
  console.log(`esbuild: ${targets.length} bundles in ${Date.now() - t0} ms`);
}
