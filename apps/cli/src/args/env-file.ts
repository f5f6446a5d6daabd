import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { CliExit, ExitCode } from '../context/exit-codes';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `--env-file FILE`: dotenv format (`K=V`, `export K=V`, quotes, `#` comments), read with Node's own dotenv parser
 * (`util.parseEnv`). A bad variable name is an error naming the file; a missing file too.
 */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliExit(ExitCode.Usage, `--env-file ${file}: cannot read it${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a directory' : ''}`);
  }
  const values = parseEnv(text) as Record<string, string>;
  for (const name of Object.keys(values)) {
    if (!NAME.test(name)) throw new CliExit(ExitCode.Usage, `--env-file ${file}: '${name}' is not a valid variable name (letters, digits and '_', not starting with a digit)`);
  }
  return values;
}
