import Table from 'cli-table3';
import type { Colors } from '../context/cli-context';

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: ' ', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

/** An aligned, borderless table in SkyPilot's style: a header row, then one row per item. */
export function renderTable(head: string[], rows: Array<Array<string | number>>, colors: Colors): string {
  const table = new Table({
    head: head.map((h) => colors.bold(h)),
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  // cli-table3 pads the last column too; trailing spaces only get in the way of scripts and diffs.
  return table
    .toString()
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}
