// Checks that @huggingface/tokenizers loads our tokenizer.json and matches the Python encoder.
// Usage: node --import tsx models/train/text_check_tokenizer.ts <dir with tokenizer.json> <cases.json>
// cases.json: [{text, ids}] from the Python encoder. Exits 1 on any mismatch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const [dir, casesPath] = process.argv.slice(2);
const tok = new Tokenizer(
  JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')),
);
const cases = JSON.parse(readFileSync(casesPath, 'utf8')) as { text: string; ids: number[] }[];
let bad = 0;
for (const c of cases) {
  const enc = tok.encode(c.text);
  const same = enc.ids.length === c.ids.length && enc.ids.every((v, i) => v === c.ids[i]);
  const back = tok.decode(enc.ids, { skip_special_tokens: true });
  if (!same || back !== c.text) {
    bad++;
    console.log('MISMATCH', JSON.stringify(c.text), '\n js', enc.ids.join(','), '\n py', c.ids.join(','), '\n back', JSON.stringify(back));
  }
}
console.log(`${cases.length - bad}/${cases.length} tokenizer cases match`);
process.exit(bad ? 1 : 0);
