// The next-token panel on a masked LM and on a sequence classifier (test/fixtures/models/bert-mlm,
// distilbert-sst2): the table lists the distribution at the [MASK] / the id2label classes, titled
// as such, the same rows the CLI prints, and offers no continuations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { openSession, withFailureReport } from './harness/session';
import { repoRoot } from './harness/paths';

const workspace = join(repoRoot, 'test', 'fixtures', 'workspaceEncoders');

function cli(model: string, text: string): { next: { id: number; text: string; prob: number }[]; masks?: { position: number }[] } {
  const out = execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'next-token', '--model', model, '--top-k', '10', '--json', text], { encoding: 'utf8' });
  return JSON.parse(out) as never;
}

for (const [name, file, title] of [
  ['bert-mlm', 'masked.txt', /^Most probable tokens at the mask/],
  ['distilbert-sst2', 'review.txt', /^Classes \(config\.json id2label\)/],
] as const) {
  test(`next-token panel on ${name}: ${title.source.replace(/[\\^]/g, '')}, the CLI's rows, no continuations`, { timeout: 400_000 }, async () => {
    const model = join(repoRoot, 'test', 'fixtures', 'models', name);
    const session = await openSession({ workspace, settings: { 'tensorloupe.model': model } });
    try {
      await withFailureReport(session, `encoder-panel-${name}`, async () => {
        const { workbench, page } = session;
        await workbench.openFile(file);
        await workbench.selectAll();
        await workbench.contextMenu('Inspect Next-Token Distribution');
        const panel = new NextTokenPanel(page);
        await panel.waitDrawn();
        const text = (await import('node:fs')).readFileSync(join(workspace, file), 'utf8');
        const expected = cli(model, text);
        const rows = await panel.rows();
        assert.deepEqual(rows.slice(0, expected.next.length).map((r) => r.id), expected.next.map((n) => n.id), 'panel rows vs CLI');
        for (const [i, r] of rows.slice(0, expected.next.length).entries()) assert.ok(Math.abs(r.prob - expected.next[i].prob) < 6e-5, `prob ${i}`);
        assert.match((await panel.frame.locator('#topk-title').textContent()) ?? '', title);
        assert.equal(await panel.frame.locator('#generate').isHidden(), true, 'no continuations for a model that is not a decoder');
        if (expected.masks) {
          const last = expected.masks[expected.masks.length - 1].position;
          assert.equal(await panel.body.getAttribute('data-position'), String(last), 'the last mask is shown first');
          assert.match((await panel.frame.locator('#position-info').textContent()) ?? '', /^Distribution at the mask/);
        }
        await workbench.screenshot(`encoder-panel-${name}`);
      });
    } finally {
      await session.close();
    }
  });
}
