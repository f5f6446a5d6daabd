import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkTaskYaml, formatProblem } from '@skyport/task-spec';
import { readAllowList, type AllowEntry } from './allow-list';
import { buildCorpus, type CorpusEntry } from './corpus/corpus';
import { skypilotVerdicts, type SkypilotVerdict } from './skypilot-verdicts';

export interface ParityRow {
  id: string;
  kind: CorpusEntry['kind'];
  skypilot: SkypilotVerdict;
  skyport: { valid: boolean; message?: string };
  agree: boolean;
  allowed?: AllowEntry;
}

export interface ParityReport {
  rows: ParityRow[];
  total: number;
  agree: number;
  /** agree / total, in percent, one decimal. */
  agreement: number;
  /** Disagreements not in the allow-list: each fails the test. */
  unlisted: ParityRow[];
  /** Allow-listed disagreements whose Skyport message does not say what the entry says it must. */
  badMessages: ParityRow[];
  /** Allow-list entries that no longer disagree (or name no corpus file): remove them. */
  stale: string[];
  /** Files where SkyPilot tried to open a connection (refused): a harness failure. */
  network: ParityRow[];
  /** Files where SkyPilot skipped a machine-dependent check (clouds, catalogs, volumes). */
  withSkipped: number;
  isolated: boolean;
  skypilotSeconds: number;
}

function skyportVerdict(file: string): ParityRow['skyport'] {
  const result = checkTaskYaml(readFileSync(file, 'utf8'), { source: path.basename(file) });
  return result.ok ? { valid: true } : { valid: false, message: result.problems.map(formatProblem).join('; ') };
}

/** Runs both validators over the whole corpus and compares their valid/invalid verdicts. */
export function computeParity(python: string): ParityReport {
  const work = mkdtempSync(path.join(tmpdir(), 'skyport-compat-corpus-'));
  try {
    const corpus = buildCorpus(work);
    const { verdicts, isolated, seconds } = skypilotVerdicts(python, corpus.map((c) => c.file));
    const allow = readAllowList();
    const rows: ParityRow[] = corpus.map((entry) => {
      const skypilot = verdicts.get(entry.file) ?? { file: entry.file, verdict: 'error' as const, message: 'no verdict from SkyPilot' };
      const skyport = skyportVerdict(entry.file);
      const agree = skypilot.verdict !== 'error' && (skypilot.verdict === 'valid') === skyport.valid;
      const row: ParityRow = { id: entry.id, kind: entry.kind, skypilot, skyport, agree };
      const allowed = allow.get(entry.id);
      if (allowed) row.allowed = allowed;
      return row;
    });
    const agreeCount = rows.filter((r) => r.agree).length;
    const ids = new Set(rows.map((r) => r.id));
    return {
      rows,
      total: rows.length,
      agree: agreeCount,
      agreement: Math.floor((1000 * agreeCount) / rows.length) / 10,
      unlisted: rows.filter((r) => !r.agree && !r.allowed),
      badMessages: rows.filter((r) => !r.agree && r.allowed?.message && !(r.skyport.message ?? '').includes(r.allowed.message)),
      stale: [...allow.keys()].filter((id) => !ids.has(id) || rows.find((r) => r.id === id)?.agree),
      network: rows.filter((r) => r.skypilot.network_attempts?.length),
      withSkipped: rows.filter((r) => r.skypilot.skipped?.length).length,
      isolated,
      skypilotSeconds: seconds,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One line per disagreement: id, both verdicts and both messages. */
export function describeRow(row: ParityRow): string {
  const sky = row.skypilot.verdict === 'valid' ? 'valid' : `${row.skypilot.verdict} (${row.skypilot.stage ?? ''}: ${(row.skypilot.message ?? '').split('\n')[0].slice(0, 220)})`;
  const port = row.skyport.valid ? 'valid' : `invalid (${(row.skyport.message ?? '').slice(0, 220)})`;
  return `${row.id}\n    SkyPilot: ${sky}\n    Skyport:  ${port}`;
}

export function summary(report: ParityReport): string {
  const unsupported = report.rows.filter((r) => !r.agree && r.allowed?.message).length;
  const examples = report.rows.filter((r) => r.kind === 'example');
  const agreeEx = examples.filter((r) => r.agree).length;
  return (
    `verdict parity with SkyPilot: ${report.agree}/${report.total} files agree (${report.agreement}%); ` +
    `examples ${agreeEx}/${examples.length}, mutations ${report.agree - agreeEx}/${report.total - examples.length}; ` +
    `${report.rows.filter((r) => !r.agree && r.allowed).length} allow-listed (${unsupported} for features Skyport does not support; without those files ${report.agree}/${report.total - unsupported} = ${Math.floor((1000 * report.agree) / (report.total - unsupported)) / 10}%), ${report.unlisted.length} unlisted; ` +
    `${report.withSkipped} files had machine-dependent SkyPilot checks skipped; SkyPilot ran ${report.skypilotSeconds}s` +
    `${report.isolated ? ' in an isolated network namespace' : ''}`
  );
}
