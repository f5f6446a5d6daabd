import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { SkyportClient } from '@skyport/client';
import { apiSettings, configPath, saveApiSettings } from '@skyport/config';
import { isSkyportError } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { printJson } from '../output/print';
import { renderInfo } from '../format/infra-views';
import { outputOption, type OutputOptions } from './common';

function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliExit(ExitCode.Usage, `cannot read the token file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const token = text.trim();
  if (!token || /\s/.test(token)) throw new CliExit(ExitCode.Usage, `the token file ${path} does not hold one token`);
  return token;
}

export function apiCommand(ctx: CliContext): Command {
  const api = new Command('api').description('The Skyport api this CLI talks to').addHelpText('after', '\nExamples:\n  $ skyport api info\n  $ skyport api login -e http://127.0.0.1:26580 --token sk-...');
  api
    .command('info')
    .description('Show the api endpoint in use, its version and who you are to it')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  $ skyport api info -o json')
    .action(async (opts: OutputOptions) => {
      const settings = apiSettings(ctx.config(), ctx.env);
      const info = await ctx.client().info();
      if (opts.output === 'json') printJson(ctx, { endpoint: settings.endpoint, ...info });
      else ctx.out(renderInfo(settings.endpoint, info));
    });
  api
    .command('login')
    .description('Save the api endpoint and token in ~/.skyport/config.yaml (or $SKYPORT_CONFIG)')
    .option('-e, --endpoint <url>', 'api URL, e.g. http://127.0.0.1:26580')
    .option('--token <token>', 'bearer token (default: $SKYPORT_TOKEN)')
    .option('--token-file <path>', 'read the bearer token from a file, e.g. the one `npm run selfhost -- up` prints (default: $SKYPORT_TOKEN_FILE)')
    .addHelpText('after', '\nExamples:\n  $ skyport api login -e http://127.0.0.1:26580 --token sk-...\n  $ skyport api login -e "$SKYPORT_API_URL" --token-file "$SKYPORT_TOKEN_FILE"')
    .action(async (opts: { endpoint?: string; token?: string; tokenFile?: string }) => {
      const endpoint = opts.endpoint ?? apiSettings(ctx.config(), ctx.env).endpoint;
      if (opts.token && opts.tokenFile) throw new CliExit(ExitCode.Usage, 'give --token or --token-file, not both');
      const tokenFile = opts.token ? undefined : (opts.tokenFile ?? (ctx.env.SKYPORT_TOKEN ? undefined : ctx.env.SKYPORT_TOKEN_FILE));
      const token = tokenFile ? readTokenFile(tokenFile) : (opts.token ?? ctx.env.SKYPORT_TOKEN);
      if (!/^https?:\/\//.test(endpoint)) throw new CliExit(ExitCode.Usage, `--endpoint must be an http(s) URL, got '${endpoint}'`);
      // Check before saving, so a typo does not become the default.
      try {
        await new SkyportClient({ endpoint, token, timeoutMs: 10_000, userAgent: 'skyport-cli' }).info();
      } catch (error) {
        if (isSkyportError(error)) throw new CliExit(ExitCode.Failed, `not saved: ${error.userMessage}`);
        throw error;
      }
      const file = configPath(ctx.env).path;
      saveApiSettings(file, { endpoint, ...(token ? { token } : {}) });
      ctx.out(`Logged in to ${endpoint}; saved in ${file}.`);
    });
  return api;
}
