/** The projector through the CLI as a user runs it (dist/cli.js in its own process) on the bundled
 * code LM: project → points.json, neighbours, analogy, and bad input answered in one line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtEnginePath, CODE_LM, ROOT } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import { readEmbeddingMatrix } from '../../src/engine/features/projector/embeddingMatrix';
import type { ProjectedPoint, NeighboursResult, AnalogyResult } from '../../src/protocol/projector';

builtEnginePath();
const dir = mkdtempSync(join(tmpdir(), 'tl-projector-'));
const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'references', 'pca-code-lm.json'), 'utf8')) as { codeLmEmbedding: { variance: number[]; explainedVarianceRatio: number[] } };
interface PointsFile { model: string; method: string; explainedVariance?: number[]; points: ProjectedPoint[] }
const readPoints = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PointsFile;

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args, { timeoutMs: 300_000 });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

function variance(xs: number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
}

test('project --source embeddings --method pca writes every token with the numpy reference explained variance', async () => {
  const out = join(dir, 'embeddings.json');
  await ok(['project', '--model', CODE_LM, '--source', 'embeddings', '--method', 'pca', '--out', out]);
  const file = readPoints(out);
  assert.deepEqual(Object.keys(file), ['model', 'method', 'explainedVariance', 'points']);
  assert.equal(file.model, 'tensorloupe-code-lm');
  assert.equal(file.method, 'pca');
  assert.equal(file.points.length, 4096);
  for (let c = 0; c < 6; c++) assert.ok(Math.abs((file.explainedVariance?.[c] ?? NaN) - fixture.codeLmEmbedding.explainedVarianceRatio[c]) < 1e-4, `ratio ${c}`);
  // the x and y axes are the first two components: their variance is the covariance's top eigenvalues
  for (const [axis, c] of [['x', 0], ['y', 1]] as const) {
    const v = variance(file.points.map((p) => p[axis]));
    assert.ok(Math.abs(v - fixture.codeLmEmbedding.variance[c]) / fixture.codeLmEmbedding.variance[c] < 1e-4, `${axis}: ${v}`);
  }
  assert.deepEqual(file.points.slice(0, 3).map((p) => p.id), [0, 1, 2]);
  assert.equal(file.points[612].text, 'def');
  // points carry the built-in tagger's category of their own text (def is no TS keyword)
  assert.equal(file.points[612].category, 'identifier');
  assert.ok(file.points.filter((p) => p.category === 'keyword').length > 10);
});

test('project --source resid --layer 1 --text FILE --method umap: points carry file, line, position; one seed, one file', async () => {
  const text = join('test', 'fixtures', 'workspace', 'stats.py');
  const a = join(dir, 'resid-a.json');
  const b = join(dir, 'resid-b.json');
  for (const out of [a, b]) await ok(['project', '--model', CODE_LM, '--source', 'resid', '--layer', '1', '--text', text, '--method', 'umap', '--seed', '5', '--out', out]);
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
  const file = readPoints(a);
  assert.equal(file.method, 'umap');
  assert.equal(file.explainedVariance, undefined);
  const source = readFileSync(join(ROOT, text), 'utf8');
  const withText = file.points.filter((p) => p.position !== undefined && p.position > 0);
  assert.ok(withText.length > 50);
  for (const p of withText.slice(0, 40)) {
    assert.equal(p.file, text);
    assert.equal(p.layer, 1);
    // the token's text is on its line (tokens may span a newline: check the part before it)
    const line = source.split('\n')[(p.line ?? 0) - 1] ?? '';
    const firstPart = p.text.split('\n')[0];
    if (firstPart.trim()) assert.ok(line.includes(firstPart.trim()), `${JSON.stringify(p.text)} on line ${p.line}: ${line}`);
    assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
  }
});

test('neighbours and analogy print token, id and cosine; the cosine is the embedding rows’ own', async () => {
  const embedding = await readEmbeddingMatrix(join(CODE_LM, 'onnx', 'model.onnx'));
  const cosine = (i: number, j: number) => {
    let dot = 0, ni = 0, nj = 0;
    for (let c = 0; c < embedding.cols; c++) {
      const x = embedding.data[i * embedding.cols + c];
      const y = embedding.data[j * embedding.cols + c];
      dot += x * y; ni += x * x; nj += y * y;
    }
    return dot / Math.sqrt(ni * nj);
  };
  const n = JSON.parse(await ok(['neighbours', '--model', CODE_LM, '--k', '5', '--json', 'def'])) as NeighboursResult;
  assert.equal(n.query.text, 'def');
  assert.equal(n.neighbours.length, 5);
  for (const x of n.neighbours) assert.ok(Math.abs(x.cosine - cosine(n.query.id, x.id)) < 1e-5);
  // nothing outside the list is closer than its last
  const last = n.neighbours[4].cosine;
  const listed = new Set([n.query.id, ...n.neighbours.map((x) => x.id)]);
  for (let j = 0; j < embedding.rows; j++) if (!listed.has(j)) assert.ok(cosine(n.query.id, j) <= last + 1e-6, `token ${j} is closer than the 5th`);
  const text = await ok(['neighbours', '--model', CODE_LM, 'def']);
  assert.match(text, /" def"\s+377\s+0\.\d{4}/);
  assert.equal(text.trim().split('\n').length, 11);

  const a = JSON.parse(await ok(['analogy', '--model', CODE_LM, '--json', ' True', ' False', ' 1'])) as AnalogyResult;
  assert.deepEqual(a.inputs.map((t) => t.text), [' True', ' False', ' 1']);
  const inputs = new Set(a.inputs.map((t) => t.id));
  assert.equal(a.answers.length, 10);
  for (const x of a.answers) assert.ok(!inputs.has(x.id), 'inputs are excluded');
  assert.deepEqual(a.answers.map((x) => x.rank), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (let i = 1; i < a.answers.length; i++) assert.ok(a.answers[i - 1].cosine >= a.answers[i].cosine);
});

test('bad input: one line naming the token or option, exit 1, no file written', async () => {
  const out = join(dir, 'never.json');
  const cases: [string[], RegExp][] = [
    [['neighbours', '--model', CODE_LM, 'zzqqxxjj'], /token: "zzqqxxjj" is not one token of tensorloupe-code-lm/],
    [['analogy', '--model', CODE_LM, 'def', 'class'], /analogy takes exactly three tokens/],
    [['project', '--model', CODE_LM, '--source', 'embeddings', '--layer', '2', '--method', 'pca', '--out', out], /--layer is only for --source resid/],
    [['project', '--model', CODE_LM, '--source', 'embeddings', '--method', 'pca'], /project needs --out/],
    [['project', '--model', CODE_LM, '--source', 'unembedding', '--method', 'pca', '--out', out], /ties its unembedding to its input embedding/],
    [['project', '--model', CODE_LM, '--source', 'resid', '--layer', '7', '--text', 'README.md', '--method', 'pca', '--out', out], /layer 7 is out of range: tensorloupe-code-lm has layers 0-3/],
    [['project', '--model', CODE_LM, '--source', 'resid', '--method', 'pca', '--out', out], /--source resid needs --layer/],
    [['project', '--model', CODE_LM, '--source', 'pixels', '--method', 'pca', '--out', out], /--source must be one of embeddings, unembedding, resid/],
    [['project', '--model', CODE_LM, '--source', 'embeddings', '--method', 'tsne', '--out', out], /--method must be one of pca, umap/],
    [['project', '--model', CODE_LM, '--source', 'resid', '--layer', '0', '--files', 'no/such/*.zz', '--method', 'pca', '--out', out], /--files no\/such\/\*\.zz matches no text file/],
    [['project', '--model', CODE_LM, '--source', 'resid', '--layer', '0', '--text', 'no-such-file.py', '--method', 'pca', '--out', out], /Cannot read --text no-such-file\.py \(ENOENT\)/],
    [['project', '--model', CODE_LM, '--source', 'embeddings', '--method', 'pca', '--out', join(dir, 'missing', 'p.json')], /Cannot write --out/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { timeoutMs: 120_000 });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  }
  assert.equal(existsSync(out), false);
});
