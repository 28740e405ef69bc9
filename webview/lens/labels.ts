// Short names for lens rows, for chart axes and narrow row headers.

/** "blocks.0.hook_resid_pre (embed)" → "embed", "blocks.2.hook_resid_pre" → "L2 in", "ln_final (output)" → "output" */
export function shortLayer(label: string): string {
  if (label.includes('(embed)')) return 'embed';
  if (label.includes('(output)')) return 'output';
  const m = /^blocks\.(\d+)\.hook_resid_(pre|mid|post)/.exec(label);
  return m ? `L${m[1]} ${m[2] === 'pre' ? 'in' : m[2]}` : label;
}
