import pc from 'picocolors';
import {
  apiSettings,
  configNotesEnabled,
  ignoredKeysLine,
  layerConfig,
  loadSkyportConfig,
  parseConfigOverrides,
  CONFIG_NOTES_ENV,
  type IgnoredConfigKey,
  type SkyportConfig,
} from '@skyport/config';
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
  /** The user's config file with `--config` laid over it (SkyPilot's layering). */
  config(): SkyportConfig;
  /** The two layers apart: a launch sends some of the file's settings and all of `--config`'s task-level ones. */
  configLayers(): { file: SkyportConfig; overrides: SkyportConfig };
  /** `--config` values (the global option), set before a command runs. */
  setConfigOverrides(values: readonly string[]): void;
  /** A note about config keys Skyport does not use, at most one line per run and kind; SKYPORT_CONFIG_NOTES=off hides it. */
  configNote(source: string, keys: readonly IgnoredConfigKey[], what?: string): void;
  client(): SkyportClient;
}

export function createContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const stdout = process.stdout;
  const stderr = process.stderr;
  // Colours only on a terminal, and never with NO_COLOR set (any value), as https://no-color.org asks.
  const colorOn = Boolean(stdout.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  let layers: { file: SkyportConfig; overrides: SkyportConfig } | undefined;
  let config: SkyportConfig | undefined;
  let overrideValues: readonly string[] = [];
  let client: SkyportClient | undefined;
  const noted = new Set<string>();
  const ctx: CliContext = {
    stdout,
    stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env,
    colors: pc.createColors(colorOn),
    interactive: Boolean(stderr.isTTY) && env.CI === undefined,
    out: (line = '') => void stdout.write(`${line}\n`),
    err: (line = '') => void stderr.write(`${line}\n`),
    setConfigOverrides: (values) => {
      overrideValues = values;
      layers = undefined;
      config = undefined;
    },
    configLayers: () => {
      if (!layers) {
        const file = loadSkyportConfig(env);
        const overrides = parseConfigOverrides(overrideValues);
        // Keys neither side of Skyport acts on: said once, in one line, so a SkyPilot config brought as it is never
        // blocks a command.
        ctx.configNote(file.path, [...file.ignored, ...overrides.ignored.map((i) => ({ ...i, key: `--config ${i.key}` }))]);
        layers = { file: file.config, overrides: overrides.config };
      }
      return layers;
    },
    config: () => {
      if (!config) {
        const { file, overrides } = ctx.configLayers();
        config = layerConfig(file, overrides);
      }
      return config;
    },
    configNote: (source, keys, what) => {
      if (keys.length === 0 || !configNotesEnabled(env) || noted.has(source)) return;
      noted.add(source);
      const line = what ? `${source}: ${keys.map((k) => k.key).join(', ')}: ${what}` : ignoredKeysLine(source, keys);
      stderr.write(`Note: ${line} (${CONFIG_NOTES_ENV}=off hides this)\n`);
    },
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
