import { VARIANTS, type Variant } from '../engine/models/variants';
import { join } from 'node:path';

export interface ModelSettingContext {
  /** the tensorloupe.model setting as written (may be empty) */
  configured: string;
  /** vscode.workspace.isTrusted */
  trusted: boolean;
  /** the bundled model's folder */
  bundled: string;
  /** the first workspace folder, for `${workspaceFolder}` */
  workspaceFolder?: string;
  /** the user's home, for `~/` */
  home: string;
}

/**
 * The model folder to load. In an untrusted workspace VS Code hands us only the user's own value
 * (package.json restricts tensorloupe.model, so the workspace's value is dropped); a model that
 * value puts inside the workspace or the Hugging Face cache still waits for the user's consent
 * (trustRules.needsConsent, asked by modelGate before the engine sees it). Pure, so the rule is
 * tested without VS Code.
 */
export function resolveModelSetting(c: ModelSettingContext): string {
  const configured = c.configured.trim();
  if (!configured) return c.bundled;
  if (configured.startsWith('${workspaceFolder}') && c.workspaceFolder) return join(c.workspaceFolder, configured.slice('${workspaceFolder}'.length));
  if (configured.startsWith('~/')) return join(c.home, configured.slice(2));
  return configured;
}

/**
 * A numeric setting as read: rounded and clamped; anything that is not a finite number (a string
 * typed into settings.json, null) gives the default, so a bad value never reaches the engine.
 */
export function clampSetting(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** tensorloupe.variant: one of the transformers.js variant names; anything else (a hand-edited settings.json) is fp32, the default. */
export function variantSetting(value: unknown): Variant {
  return typeof value === 'string' && (VARIANTS as readonly string[]).includes(value) ? (value as Variant) : 'fp32';
}
