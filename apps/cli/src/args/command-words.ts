import { existsSync, statSync } from 'node:fs';
import { shellQuote } from '@skyport/contracts';
import { CliExit, ExitCode } from '../context/exit-codes';

/**
 * The task argument from the words after the cluster name, as `sky exec CLUSTER python train.py --lr 1` reads
 * them: one word is a task file or a whole command as written (`'nvidia-smi && ls'`); several words are one
 * command, each word quoted as needed so the shell on the node sees the same words you typed. Options the command
 * itself takes (`--lr 1`) come after its first word, or everything after `--`.
 */
export function taskFromWords(words: readonly string[]): string | undefined {
  if (words.length === 0) return undefined;
  const [first, ...rest] = words;
  if (first.startsWith('-')) {
    throw new CliExit(ExitCode.Usage, `unknown option '${first}': put the command first (skyport exec CLUSTER python train.py --lr 1), or after '--'`);
  }
  if (rest.length === 0) return first;
  if (/\.ya?ml$/i.test(first)) {
    const what = existsSync(first) && statSync(first).isFile() ? 'is a task file' : 'looks like a task file (and does not exist)';
    throw new CliExit(ExitCode.Usage, `'${first}' ${what}; it takes no further words (${rest.map(shellQuote).join(' ')}): set values with --env K=V`);
  }
  return words.map(shellQuote).join(' ');
}
