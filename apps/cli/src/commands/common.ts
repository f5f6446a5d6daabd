import { Option } from 'commander';
import type { OutputFormat } from '../output/print';

export interface OutputOptions {
  output: OutputFormat;
}

/** `-o, --output table|json` on every read command. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
}
