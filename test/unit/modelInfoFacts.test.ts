// Model Info's pure parts on hand-built graphs: counts through nested subgraphs, shapes with
// symbolic and missing dims, external data files, packed 4-bit bytes, and the kind a folder's
// config.json or graph signature gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFacts } from '../../src/engine/features/modelInfo/graphFacts';
import { describeKind } from '../../src/engine/features/modelInfo/describeKind';
import type { onnx } from 'onnx-proto';
import type { TensorSignature } from '../../src/protocol/modelInfo';

const node = (opType: string, extra: Partial<onnx.INodeProto> = {}): onnx.INodeProto => ({ opType, input: [], output: [], ...extra });

test('ops, nodes and initializers are counted inside If branches and a Loop body two levels down', () => {
  const loopBody: onnx.IGraphProto = { node: [node('Tanh'), node('MatMul')], initializer: [{ name: 'w', dataType: 1, dims: [3, 4] }] };
  const thenBranch: onnx.IGraphProto = { node: [node('Loop', { attribute: [{ name: 'body', type: 5, g: loopBody }] })] };
  const elseBranch: onnx.IGraphProto = { node: [node('Relu')], initializer: [{ name: 'u4', dataType: 21, dims: [5] }] };
  const f = graphFacts({
    irVersion: 8,
    opsetImport: [{ domain: 'com.microsoft', version: 1 }, { domain: '', version: 17 }],
    graph: {
      node: [node('If', { attribute: [{ name: 'then_branch', type: 5, g: thenBranch }, { name: 'else_branch', type: 5, g: elseBranch }] }), node('MatMul'), node('Attention', { domain: 'com.microsoft' })],
      initializer: [{ name: 'e', dataType: 10, dims: [2, 8], dataLocation: 1, externalData: [{ key: 'location', value: 'model.onnx_data' }] }],
      input: [
        { name: 'input_ids', type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 16 }, {}] } } } },
        { name: 'e', type: { tensorType: { elemType: 10 } } }, // an old exporter's weight listed as an input
      ],
      output: [{ name: 'logits', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 0 }] } } } }],
    },
  });
  assert.equal(f.parameters, 12 + 5 + 16);
  assert.deepEqual(f.weightDtypes, {
    float16: { tensors: 1, elements: 16, bytes: 32 },
    float32: { tensors: 1, elements: 12, bytes: 48 },
    uint4: { tensors: 1, elements: 5, bytes: 3 }, // packed two a byte, rounded up
  });
  assert.deepEqual(f.ops, [
    { op: 'MatMul', count: 2 },
    { op: 'If', count: 1 }, { op: 'Loop', count: 1 }, { op: 'Relu', count: 1 }, { op: 'Tanh', count: 1 }, { op: 'com.microsoft.Attention', count: 1 },
  ]);
  assert.equal(f.nodes, 7);
  assert.equal(f.subgraphNodes, 4);
  assert.deepEqual(f.opsets, [{ domain: 'ai.onnx', version: 17 }, { domain: 'com.microsoft', version: 1 }]);
  assert.deepEqual(f.inputs, [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 16, '?'] }]);
  assert.deepEqual(f.outputs, [{ name: 'logits', dtype: 'float32', shape: ['batch', 0] }]);
  assert.deepEqual(f.externalFiles, ['model.onnx_data']);
});

const sig = (name: string, shape: (number | string)[]): TensorSignature => ({ name, dtype: 'int64', shape });
const folder = (config: Record<string, unknown>) => ({ dir: '/nonexistent-tensorloupe-folder', config });

test('kinds: config.json architectures first, then model_type, then the graph signature', () => {
  const ids = [sig('input_ids', ['b', 's'])];
  assert.equal(describeKind(folder({ architectures: ['DistilBertForMaskedLM'] }), ids, []).kind, 'masked-lm');
  assert.equal(describeKind(folder({ architectures: ['DistilBertForSequenceClassification'] }), ids, []).kind, 'sequence-classifier');
  assert.equal(describeKind(folder({ architectures: ['BertForTokenClassification'] }), ids, []).kind, 'token-classifier');
  assert.equal(describeKind(folder({ architectures: ['Qwen2ForCausalLM'] }), ids, []).kind, 'decoder-lm');
  assert.deepEqual(describeKind(folder({ model_type: 'llama' }), ids, []), { kind: 'decoder-lm', evidence: 'config.json model_type llama' });
  assert.equal(describeKind(folder({ model_type: 'bert' }), ids, [sig('logits', ['b', 2])]).kind, 'sequence-classifier');
  assert.equal(describeKind(folder({}), [...ids, sig('token_type_ids', ['b', 's'])], [sig('logits', ['b', 's', 30522])]).kind, 'masked-lm');
  assert.match(describeKind(folder({}), [...ids, sig('past_key_values.0.key', ['b', 4, 'p', 8])], [sig('logits', ['b', 's', 64])]).evidence, /with a KV cache/);
  assert.equal(describeKind(folder({}), ids, [sig('last_hidden_state', ['b', 's', 64])]).kind, 'text-encoder');
  assert.deepEqual(describeKind(folder({}), [sig('x', [1])], []), { kind: 'unknown', evidence: 'inputs x' });
  assert.equal(describeKind(folder({ architectures: ['ViTForImageClassification'], id2label: { 0: 'a' } }), [sig('pixel_values', [1])], []).kind, 'image-classifier');
});
