/** pruneDeadNodes: a lean instrumented graph keeps exactly the nodes its outputs need, including
 * those a subgraph (If/Loop) reads from the outer scope. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { onnx } from 'onnx-proto';
import { pruneDeadNodes } from '../../src/engine/instrument/pruneGraph.js';

const node = (name: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto => ({ name, opType: 'Relu', input, output, attribute });

test('only the nodes the kept outputs depend on remain, in their order', () => {
  const graph: onnx.IGraphProto = {
    node: [
      node('a', ['x'], ['ha']),
      node('unembed', ['ha'], ['logits']), // its output left the graph's outputs: dead
      node('b', ['ha'], ['hb']),
      node('softmaxOfDead', ['logits'], ['p']), // reads only a dead node: dead too
      node('c', ['hb', 'ha'], ['hook']),
    ],
    output: [{ name: 'hook' }],
  };
  pruneDeadNodes(graph);
  assert.deepEqual(graph.node?.map((n) => n.name), ['a', 'b', 'c']);
});

test("a subgraph's outer-scope reads keep their producers alive", () => {
  const branch: onnx.IGraphProto = { node: [node('inner', ['outer'], ['y'])], output: [{ name: 'y' }] };
  const graph: onnx.IGraphProto = {
    node: [
      node('producesOuter', ['x'], ['outer']),
      node('producesCond', ['x'], ['cond']),
      node('if', ['cond'], ['out'], [{ name: 'then_branch', type: 5, g: branch }]),
      node('dead', ['x'], ['unused']),
    ],
    output: [{ name: 'out' }],
  };
  pruneDeadNodes(graph);
  assert.deepEqual(graph.node?.map((n) => n.name), ['producesOuter', 'producesCond', 'if']);
});

test('a lean session without the model outputs has no logits and still gives the hooks', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { instrumentModel } = await import('../../src/engine/instrument/instrumentModel.js');
  const { createInstrumentedSession, fetchActivations } = await import('../../src/engine/instrument/fetchActivations.js');
  const { textFeeds } = await import('../../src/engine/instrument/textFeeds.js');
  const result = await instrumentModel(join('test/fixtures/models', 'gpt-postln', 'onnx', 'model.onnx'), mkdtempSync(join(tmpdir(), 'tl-unit-')));
  const names = ['blocks.0.hook_resid_post'];
  const full = await createInstrumentedSession(result, {}, names);
  const lean = await createInstrumentedSession(result, {}, names, []);
  assert.ok(full.outputNames.includes('logits'));
  assert.ok(!lean.outputNames.includes('logits'));
  const feeds = () => textFeeds(result.inputs, [1, 2, 3]);
  const a = (await fetchActivations(full, result, feeds(), names)).get(names[0]);
  const b = (await fetchActivations(lean, result, feeds(), names)).get(names[0]);
  assert.deepEqual(b?.dims, a?.dims);
  assert.deepEqual(b?.data, a?.data);
});
