import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { ScenarioOutcome } from './chaos-scenarios';

/** docs/reliability.md from a long chaos run: one row per scenario with the figures. */
export function writeReliabilityReport(path: string, outcomes: ScenarioOutcome[]): void {
  const rows = outcomes.map(
    (o) => `| ${o.scenario} | ${o.launches} | ${o.lost} | ${o.duplicates} | ${o.orphans} | ${o.failed.length} | ${o.recoverySeconds.toFixed(1)} |`,
  );
  const text = [
    '# Reliability: faults during launches',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`SKYPORT_CHAOS_LAUNCHES=${outcomes[0]?.launches ?? 0} SKYPORT_CHAOS_REPORT=docs/reliability.md npm test -- --e2e test/chaos\``,
    `on the shared 2-core machine (load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' / ')}). Two replicas of every`,
    'service; Postgres, Redis and the kube-apiserver behind relays the suite cuts; services killed with SIGKILL.',
    '',
    '| scenario | launches | lost | duplicate pods | orphan pods | not succeeded | recovery (s, fault end → last request terminal) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Lost: a request that never reached a terminal state. Every launch is expected to succeed: a fault delays it',
    'but never fails it over or loses it.',
    '',
  ].join('\n');
  writeFileSync(path, text);
}
