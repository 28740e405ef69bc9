// The untrusted-workspace rule and the numeric settings, without VS Code: package.json marks
// tensorloupe.model as a restricted configuration, and readSettings applies these rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clampSetting, resolveModelSetting } from '../../src/host/settingRules';
import { ROOT } from '../helpers/paths';

const base = { bundled: '/ext/models/tensorloupe-code-lm', workspaceFolder: '/work/project', home: '/home/ada' };

test('an untrusted workspace reads the user’s own value the same way (VS Code has dropped the workspace’s; trustRules asks consent)', () => {
  assert.equal(resolveModelSetting({ ...base, configured: '/opt/models/gpt2', trusted: false }), '/opt/models/gpt2');
  assert.equal(resolveModelSetting({ ...base, configured: '${workspaceFolder}/models/x', trusted: false }), join('/work/project', 'models/x'));
  assert.equal(resolveModelSetting({ ...base, configured: '', trusted: false }), base.bundled);
});

test('a trusted workspace gets the setting, with ${workspaceFolder} and ~/ expanded', () => {
  assert.equal(resolveModelSetting({ ...base, configured: '/opt/models/gpt2', trusted: true }), '/opt/models/gpt2');
  assert.equal(resolveModelSetting({ ...base, configured: '${workspaceFolder}/models/x', trusted: true }), join('/work/project', 'models/x'));
  assert.equal(resolveModelSetting({ ...base, configured: '~/models/y', trusted: true }), join('/home/ada', 'models/y'));
  assert.equal(resolveModelSetting({ ...base, configured: '  /opt/m  ', trusted: true }), '/opt/m', 'surrounding spaces trimmed');
});

test('an empty setting means the bundled model; ${workspaceFolder} without a folder is left as written', () => {
  assert.equal(resolveModelSetting({ ...base, configured: '', trusted: true }), base.bundled);
  assert.equal(resolveModelSetting({ ...base, configured: '   ', trusted: true }), base.bundled);
  assert.equal(resolveModelSetting({ ...base, workspaceFolder: undefined, configured: '${workspaceFolder}/m', trusted: true }), '${workspaceFolder}/m');
});

test('package.json declares the same rule to VS Code: tensorloupe.model, visionModel and audioModel are restricted', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } } };
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['tensorloupe.model', 'tensorloupe.visionModel', 'tensorloupe.audioModel']);
});

test('numeric settings are rounded and clamped; a value that is not a number gives the default', () => {
  assert.equal(clampSetting(10, 1, 100, 10), 10);
  assert.equal(clampSetting(0, 1, 100, 10), 1);
  assert.equal(clampSetting(1000, 1, 100, 10), 100);
  assert.equal(clampSetting(7.6, 1, 100, 10), 8);
  assert.equal(clampSetting(-3, 0, 64, 0), 0);
  for (const bad of ['abc', '12', null, undefined, NaN, Infinity, {}]) assert.equal(clampSetting(bad, 1, 32768, 2048), 2048, String(bad));
});
