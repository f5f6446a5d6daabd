import pc from 'picocolors';
import { apiSettings, loadSkyportConfig, type SkyportConfig } from '@skyport/config';
import { SkyportClient } from '@skyport/client';

export type Colors = ReturnType<typeof pc.createColors>;

/** What every command needs: where to write, whether to colour, and (lazily) the api client. */
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  colors: Colors;
  /** Interactive: spinners and prompts (stderr is a TTY). */
  interactive: boolean;
  out(line?: string): void;
  err(line?: string): void;
  config(): SkyportConfig;
  client(): SkyportClient;
}

export function createContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const stdout = process.stdout;
  const stderr = process.stderr;
  // Colours only on a terminal, and never with NO_COLOR set (any value), as https://no-color.org asks.
  const colorOn = Boolean(stdout.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  let config: SkyportConfig | undefined;
  let client: SkyportClient | undefined;
  const ctx: CliContext = {
    stdout,
    stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env,
    colors: pc.createColors(colorOn),
    interactive: Boolean(stderr.isTTY) && env.CI === undefined,
    out: (line = '') => void stdout.write(`${line}\n`),
    err: (line = '') => void stderr.write(`${line}\n`),
    config: () => (config ??= loadSkyportConfig(env).config),
    client: () => {
      if (!client) {
        const api = apiSettings(ctx.config(), env);
        client = new SkyportClient({ ...api, userAgent: 'skyport-cli' });
      }
      return client;
    },
  };
  return ctx;
}
