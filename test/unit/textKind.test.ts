// modelKind.textKindOf: config.json's architectures first, then model_type with the graph, then
// the graph's own signature; a graph that says nothing stays a decoder (the earlier behaviour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textKindOf } from '../../src/engine/models/modelKind';

const ids = ['input_ids', 'attention_mask'];

test('architectures name the kind', () => {
  assert.equal(textKindOf({ architectures: ['BertForMaskedLM'] }, { inputs: ids }).kind, 'masked-lm');
  assert.equal(textKindOf({ architectures: ['RobertaForMaskedLM'] }, { inputs: ids }).kind, 'masked-lm');
  assert.equal(textKindOf({ architectures: ['DistilBertForSequenceClassification'] }, { inputs: ids, logitsRank: 2 }).kind, 'sequence-classifier');
  assert.equal(textKindOf({ architectures: ['BertForTokenClassification'] }, { inputs: ids, logitsRank: 3 }).kind, 'token-classifier');
  assert.equal(textKindOf({ architectures: ['GPT2LMHeadModel'] }, { inputs: ids, logitsRank: 3 }).kind, 'decoder-lm');
  assert.equal(textKindOf({ architectures: ['LlamaForCausalLM'] }, { inputs: ids, logitsRank: 3 }).kind, 'decoder-lm');
});

test('without architectures: the graph and model_type decide', () => {
  const seq = textKindOf({}, { inputs: ids, logitsRank: 2, logitsLast: 2 });
  assert.deepEqual(seq, { kind: 'sequence-classifier', evidence: 'logits are [batch, 2]' });
  assert.equal(textKindOf({ id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' } }, { inputs: ids, logitsRank: 3, logitsLast: 3 }).kind, 'token-classifier');
  assert.equal(textKindOf({ model_type: 'distilbert' }, { inputs: ids, logitsRank: 3, logitsLast: 30522 }).kind, 'masked-lm');
  assert.equal(textKindOf({ model_type: 'roberta' }, { inputs: ids, logitsRank: 3 }).kind, 'masked-lm');
  assert.equal(textKindOf({}, { inputs: [...ids, 'past_key_values.0.key'], logitsRank: 3 }).kind, 'decoder-lm');
  assert.equal(textKindOf({ model_type: 'gpt2' }, { inputs: ids, logitsRank: 3, logitsLast: 4096 }).kind, 'decoder-lm');
  assert.equal(textKindOf({}, { inputs: ['input_ids'] }).kind, 'decoder-lm');
  // a decoder whose vocabulary happens to equal id2label's size is still a decoder when it takes a KV cache
  assert.equal(textKindOf({ id2label: { 0: 'a', 1: 'b' } }, { inputs: [...ids, 'past_key_values.0.key'], logitsRank: 3, logitsLast: 2 }).kind, 'decoder-lm');
});
