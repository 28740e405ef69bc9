#!/usr/bin/env node
// `npm run package`: one VSIX per platform, each carrying only its own onnxruntime binaries.
//
//   npm run package                                every target → dist-vsix/tensorloupe-<target>.vsix
//   npm run package -- linux-x64 win32-x64         only these targets
//   npm run package -- linux-x64 --out-dir DIR     write the VSIX files into DIR instead
//
// onnxruntime-node ships every platform's native binaries in one npm package (~300 MB), and
// .vscodeignore cannot differ per target. So the production bundles are built once into a work
// folder (never over the checkout's dist/, which tests and `npm start` may be using), and each
// target gets a staged copy of the extension — hard links, so it costs no disk — holding
// README, LICENSE, media, models, the production dist/ and the production node_modules with that
// one platform's binaries. vsce packs the stage with the project's .vscodeignore, plus the
// packages onnxruntime-node needs only to install (see RUNTIME_PACKAGES).
//
// README: package.json names no repository (the project is published nowhere), so vsce is told
// not to rewrite the README's relative links into repository URLs. VS Code shows the README on the
// extension's page in a webview that loads no files of the extension (and allows https: and data:
// images only), so the packed README carries its screenshots as data: URIs (packedReadme) and the
// PNG files themselves stay out. Publishing to a Marketplace would instead want https image URLs:
// add a real `repository` to package.json, or pass vsce `--baseImagesUrl`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVSIX } from '@vscode/vsce';

const root = fileURLToPath(new URL('..', import.meta.url));

/** vsce target → onnxruntime-node's binary folder, bin/napi-v6/<platform>/<arch>. */
const TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'win32-x64': 'win32/x64',
  'darwin-arm64': 'darwin/arm64',
  'darwin-x64': 'darwin/x64',
};

// What dist/extension.js and dist/engine.js load from node_modules at run time. esbuild keeps
// onnxruntime-node external (a native module); its dist/*.js require onnxruntime-common and
// ../bin/napi-v6/<platform>/<arch>/onnxruntime_binding.node. Its other dependencies (adm-zip,
// global-agent and theirs) serve only its postinstall script, which downloads CUDA binaries.
const RUNTIME_PACKAGES = new Set(['onnxruntime-node', 'onnxruntime-common']);
const ORT_BIN = join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6');

// Fields only npm uses in a checkout. `scripts` must go: vsce would run `vscode:prepublish` in
// the stage, which has no sources to build.
const CHECKOUT_ONLY_FIELDS = ['scripts', 'devDependencies', 'allowScripts', 'bin'];

/** A reason to stop, shown as one line once the work folder is cleaned up. */
class PackageError extends Error {}

function fail(message) {
  throw new PackageError(message);
}

function parseArgs(argv) {
  const targets = [];
  let outDir = join(root, 'dist-vsix');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out-dir') {
      if (!argv[i + 1] || argv[i + 1].startsWith('--')) fail('--out-dir needs a folder');
      outDir = resolve(argv[++i]);
    } else if (arg in TARGETS) targets.push(arg);
    else fail(`unknown argument ${JSON.stringify(arg)}; targets: ${Object.keys(TARGETS).join(', ')}; option: --out-dir DIR`);
  }
  return { targets, explicit: targets.length > 0, outDir };
}

/** Why a target cannot be packaged from this node_modules, or undefined when it can. */
function missingBinaries(target) {
  const dir = join(ORT_BIN, TARGETS[target]);
  if (existsSync(join(root, dir, 'onnxruntime_binding.node'))) return undefined;
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8'));
  const why = target === 'darwin-x64' ? '; onnxruntime publishes no Intel-macOS builds after 1.23' : '';
  return `onnxruntime-node ${version} has no ${TARGETS[target]} binaries (${dir}/onnxruntime_binding.node is missing${why}), so a ${target} VSIX could not run`;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr ?? ''}`);
  return result.stdout ?? '';
}

/** a is b or lies inside b */
const within = (a, b) => a === b || a.startsWith(b + sep);

/** Hard-links (or, across file systems, copies) a file, making its folder. */
function place(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Places every file under `from` at the same relative path under `to`, except where skip(rel) says. */
function placeTree(from, to, skip = () => false, rel = '') {
  for (const entry of readdirSync(join(from, rel), { withFileTypes: true })) {
    const path = rel ? join(rel, entry.name) : entry.name;
    if (skip(path)) continue;
    if (entry.isDirectory()) placeTree(from, to, skip, path);
    else if (entry.isFile()) place(join(from, path), join(to, path));
  }
}

/** The installed production dependencies, as paths like node_modules/a/node_modules/b. */
function productionPackages() {
  const out = run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ls', '--omit=dev', '--all', '--parseable', '--loglevel=error']);
  return out.split(/\r?\n/).filter(Boolean).map((dir) => relative(root, dir)).filter((dir) => dir.startsWith('node_modules'));
}

function packageName(dir) {
  const parts = dir.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  return parts[at + 1].startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
}

const IMAGE_TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/** README.md with every relative image link replaced by a data: URI of the image. */
function packedReadme() {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  return text.replace(/(!\[[^\]]*\]\()([^)\s]+)((?:\s+"[^"]*")?\))/g, (all, open, link, close) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#')) return all;
    const type = IMAGE_TYPES[extname(link).toLowerCase()];
    if (!type) fail(`README.md: image ${link} is not PNG, JPEG, GIF or WebP, the kinds VS Code shows from a data: URI`);
    const file = join(root, decodeURI(link));
    if (!existsSync(file)) fail(`README.md: image ${link} does not exist`);
    return `${open}data:${type};base64,${readFileSync(file).toString('base64')}${close}`;
  });
}

function stage(target, stageDir, distDir, packages) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const field of CHECKOUT_ONLY_FIELDS) delete manifest[field];
  mkdirSync(stageDir, { recursive: true });
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(stageDir, 'README.md'), packedReadme());
  place(join(root, 'LICENSE'), join(stageDir, 'LICENSE'));
  placeTree(join(root, 'media'), join(stageDir, 'media'));
  // models/train holds the training scripts and, after `npm run models`, their data: never shipped.
  placeTree(join(root, 'models'), join(stageDir, 'models'), (p) => p === 'train');
  placeTree(distDir, join(stageDir, 'dist'));

  const keepBin = join(ORT_BIN, TARGETS[target]);
  for (const dir of packages) {
    // Nested node_modules are packages of their own in the list; other platforms' binaries stay out.
    placeTree(join(root, dir), join(stageDir, dir), (p) => {
      const path = join(dir, p);
      return p === 'node_modules' || (within(path, ORT_BIN) && !within(path, keepBin) && !within(keepBin, path));
    });
  }
  // vsce lists the dependencies with `npm ls` in the stage, so the install-only packages are there
  // (npm would call them missing otherwise) and are left out here, after the project's own list.
  const installOnly = packages.filter((dir) => !RUNTIME_PACKAGES.has(packageName(dir)));
  const ignore = [
    readFileSync(join(root, '.vscodeignore'), 'utf8').trimEnd(),
    '# Added by scripts/package.mjs: onnxruntime-node needs these only for its install script.',
    ...installOnly.map((dir) => `${dir.replaceAll('\\', '/')}/**`),
    '',
  ].join('\n');
  writeFileSync(join(stageDir, '.vscodeignore'), ignore);
}

async function main() {
  const { targets: asked, explicit, outDir } = parseArgs(process.argv.slice(2));
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) fail(`--out-dir ${JSON.stringify(outDir)} is not a folder`);
  const targets = [];
  for (const target of explicit ? asked : Object.keys(TARGETS)) {
    const missing = missingBinaries(target);
    if (missing && explicit) fail(missing);
    if (missing) console.log(`package: skipping ${target}: ${missing}.`);
    else targets.push(target);
  }

  mkdirSync(join(root, '.cache', 'package'), { recursive: true });
  const work = mkdtempSync(join(root, '.cache', 'package', 'run-'));
  try {
    const distDir = join(work, 'dist');
    run(process.execPath, ['esbuild.config.mjs', '--production', '--outdir', distDir], { stdio: ['ignore', 'inherit', 'inherit'] });
    const packages = productionPackages();
    mkdirSync(outDir, { recursive: true });
    const written = [];
    for (const target of targets) {
      const stageDir = join(work, target);
      stage(target, stageDir, distDir, packages);
      const packagePath = join(outDir, `tensorloupe-${target}.vsix`);
      await createVSIX({ cwd: stageDir, packagePath, target, useYarn: false, rewriteRelativeLinks: false, allowMissingRepository: true });
      written.push({ target, packagePath, bytes: statSync(packagePath).size });
    }
    for (const w of written) console.log(`package: ${w.target.padEnd(13)} ${(w.bytes / 1048576).toFixed(2).padStart(6)} MiB  ${relative(process.cwd(), w.packagePath)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  // vsce throws strings as well as Errors; either way: one line, the process fails.
  console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
