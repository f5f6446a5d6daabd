/**
 * Prints the verdict-parity figure and every disagreement: `node test/compat/dist/report.js [--all]`
 * (`--all` lists allow-listed disagreements too). Makes the SkyPilot venv first if needed.
 */
import { describeRow, computeParity, summary } from './parity';
import { ensureSkypilotVenv } from './skypilot-venv';

const venv = ensureSkypilotVenv();
if (!venv.ok) {
  console.error(`cannot make the SkyPilot venv: ${venv.reason}`);
  process.exit(2);
}
const report = computeParity(venv.python);
const all = process.argv.includes('--all');
for (const row of report.rows) if (!row.agree && (all || !row.allowed)) console.log(`${row.allowed ? '[allowed] ' : ''}${describeRow(row)}`);
for (const id of report.stale) console.log(`stale allow-list entry: ${id}`);
console.log(summary(report));
process.exit(report.unlisted.length || report.network.length || report.badMessages.length ? 1 : 0);
