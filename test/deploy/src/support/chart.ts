import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '@skyport/dev-stack';
import { helm } from './tools';

export const CHART_DIR = join(repoRoot(), 'deploy', 'helm', 'skyport');
/** The chart's example value sets (ci/*-values.yaml), each a shape users install. */
export const VALUE_SETS = ['external', 'trial', 'full'] as const;
export type ValueSet = (typeof VALUE_SETS)[number];

export const valuesFile = (set: ValueSet): string => join(CHART_DIR, 'ci', `${set}-values.yaml`);

export interface RenderOptions {
  release?: string;
  namespace: string;
  valueSets?: ValueSet[];
  set?: string[];
  /** Render as `helm upgrade` would (Release.IsUpgrade) instead of an install. */
  upgrade?: boolean;
}

export interface KubeManifest extends KubernetesObject {
  [key: string]: unknown;
}

/** `helm template` of the chart, parsed: one object per rendered manifest. Throws with Helm's stderr. */
export function renderChart(opts: RenderOptions): KubeManifest[] {
  const args = ['template', opts.release ?? 'skyport', CHART_DIR, '--namespace', opts.namespace];
  for (const s of opts.valueSets ?? []) args.push('-f', valuesFile(s));
  for (const s of opts.set ?? []) args.push('--set', s);
  if (opts.upgrade) args.push('--is-upgrade');
  const r = helm(args);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr.trim()}`);
  return parseManifests(r.stdout);
}

export function parseManifests(text: string): KubeManifest[] {
  const out: KubeManifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as KubeManifest | null;
    if (value && typeof value === 'object') out.push(value);
  }
  return out;
}

export const ofKind = (objects: KubeManifest[], kind: string): KubeManifest[] => objects.filter((o) => o.kind === kind);
export const named = (objects: KubeManifest[], kind: string, name: string): KubeManifest => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found;
};
