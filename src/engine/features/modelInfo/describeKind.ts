/** What kind of model a folder holds, for Model Info: from config.json's architectures, the
 * preprocessor (vision/audio, as the runners judge it: models/modelKind.ts), else the graph's
 * signature. Descriptive only: the runners make their own choice when a feature runs. */
import { nonTextKind } from '../../models/modelKind';
import type { ModelFolder } from '../../modelFolder';
import type { ModelKindName, TensorSignature } from '../../../protocol/modelInfo';

const DECODER_TYPES = /^(gpt2|gpt_neo|gpt_neox|gptj|gpt_bigcode|codegen|llama|mistral|mixtral|qwen2|qwen3|phi|phi3|gemma|gemma2|gemma3_text|opt|bloom|falcon|starcoder2|olmo|stablelm|granite|smollm3)$/;
const ENCODER_TYPES = /^(bert|distilbert|roberta|xlm-roberta|electra|deberta|deberta-v2|albert|camembert|modernbert)$/;

export function describeKind(folder: Pick<ModelFolder, 'dir' | 'config'>, inputs: TensorSignature[], outputs: TensorSignature[]): { kind: ModelKindName; evidence: string } {
  const config = folder.config as Record<string, unknown>;
  const archs = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : [];
  const arch = archs[0] ?? '';
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  const nonText = nonTextKind(folder);
  if (nonText) {
    const classifier = /classifier/.test(nonText.description);
    const kind: ModelKindName = nonText.modality === 'image' ? (classifier ? 'image-classifier' : 'vision-encoder') : classifier ? 'audio-classifier' : 'audio-encoder';
    return { kind, evidence: `${nonText.evidence}; reads ${nonText.input}` };
  }
  const byArch: [RegExp, ModelKindName][] = [
    [/ForMaskedLM$/, 'masked-lm'],
    [/ForSequenceClassification$/, 'sequence-classifier'],
    [/ForTokenClassification$/, 'token-classifier'],
    [/ForCausalLM$|LMHeadModel$|ForConditionalGeneration$/, 'decoder-lm'],
  ];
  for (const [re, kind] of byArch) if (re.test(arch)) return { kind, evidence: `config.json architectures ${arch}` };
  if (DECODER_TYPES.test(modelType)) return { kind: 'decoder-lm', evidence: `config.json model_type ${modelType}` };
  const names = new Set(inputs.map((i) => i.name));
  const logits = outputs.find((o) => o.name === 'logits');
  if (ENCODER_TYPES.test(modelType) || names.has('token_type_ids')) {
    const evidence = ENCODER_TYPES.test(modelType) ? `config.json model_type ${modelType}` : 'a token_type_ids input';
    return { kind: logits?.shape.length === 3 ? 'masked-lm' : logits?.shape.length === 2 ? 'sequence-classifier' : 'text-encoder', evidence };
  }
  if (names.has('input_ids') && logits?.shape.length === 3) {
    const past = inputs.some((i) => /^past/.test(i.name));
    return { kind: 'decoder-lm', evidence: `graph signature: input_ids → logits [batch, seq, vocab]${past ? ' with a KV cache' : ''}` };
  }
  if (names.has('input_ids')) return { kind: 'text-encoder', evidence: 'graph signature: input_ids, no logits [batch, seq, vocab]' };
  return { kind: 'unknown', evidence: `inputs ${inputs.map((i) => i.name).join(', ') || 'none'}` };
}
