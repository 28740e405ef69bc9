import { InputError } from '../../engine/errors';
import { formatBytes, formatCount } from '../../util/format';
import { modelInfoRows } from '../../util/modelInfoRows';
import type { CliCommand } from '../context';

/** tensorloupe info [--model M] [--json]: what the model is, where it runs, what instrumentation found. */
export const infoCommand: CliCommand = async (ctx) => {
  if (ctx.args.length) throw new InputError('info takes no text: it describes the model given by --model.');
  const r = await ctx.engine['model/info']({ model: ctx.model }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  const rows = modelInfoRows(r);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) ctx.out(`${k.padEnd(width)}  ${v}`);
  ctx.out('');
  ctx.out('inputs / outputs');
  for (const [dir, list] of [['in', r.inputs], ['out', r.outputs]] as const) {
    for (const t of list) ctx.out(`  ${dir.padEnd(3)} ${t.name}  ${t.dtype} [${t.shape.join(', ')}]`);
  }
  ctx.out('');
  ctx.out(`weights by type`);
  for (const [dtype, w] of Object.entries(r.weightDtypes)) ctx.out(`  ${dtype.padEnd(9)} ${formatCount(w.elements).padStart(14)} elements in ${formatCount(w.tensors)} tensors, ${formatBytes(w.bytes)}`);
  ctx.out('');
  ctx.out(`ops (${formatCount(r.nodes)} nodes${r.subgraphNodes ? `, ${formatCount(r.subgraphNodes)} of them inside If/Loop/Scan bodies` : ''})`);
  for (const o of r.ops) ctx.out(`  ${String(o.count).padStart(6)}  ${o.op}`);
  const ins = r.instrumentation;
  ctx.out('');
  ctx.out(`instrumentation (${ins.cached ? 'cached' : `${ins.ms.toFixed(0)} ms`}; layer norm ${ins.layerNorm}${ins.fusedAttention ? '; fused attention' : ''})`);
  if (ins.error) ctx.out(`  failed: ${ins.error}`);
  ctx.out(`  found ${ins.found.length}: ${ins.found.map((h) => h.name).join(', ') || '—'}`);
  for (const h of ins.recomputed) ctx.out(`  recomputed ${h.name} from ${h.op}'s Q and K`);
  for (const u of ins.unavailable) ctx.out(`  not found ${u.name}: ${u.reason}`);
  for (const n of r.notes) ctx.note(n);
  return 0;
};
