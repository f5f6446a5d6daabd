import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { isSkyportError, type VolumeView } from '@skyport/contracts';
import { parseVolumeObject } from '@skyport/task-spec';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { ago, printJson } from '../output/print';
import { renderTable } from '../output/table';
import { outputOption, type OutputOptions } from './common';

/**
 * A volume file, checked here with the server's own rules (exit 2 before any call), and the document as written,
 * which is what the api takes (SkyPilot's keys).
 */
export function readVolumeFile(file: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): Record<string, unknown> {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliExit(ExitCode.Usage, `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'error')}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new CliExit(ExitCode.Usage, `${file} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  try {
    parseVolumeObject(doc);
  } catch (error) {
    if (isSkyportError(error)) throw new CliExit(ExitCode.Usage, `${file} is not a valid volume: ${error.userMessage}`);
    throw error;
  }
  return doc as Record<string, unknown>;
}

export function renderVolumes(volumes: VolumeView[], ctx: Pick<CliContext, 'colors'>, now = Date.now()): string {
  if (volumes.length === 0) return 'No volumes. Create one with: skyport volumes apply volume.yaml';
  return renderTable(
    ['NAME', 'TYPE', 'INFRA', 'NAMESPACE', 'SIZE', 'ACCESS', 'STATUS', 'USED BY', 'OWNER', 'CREATED', 'EPHEMERAL'],
    volumes.map((v) => [
      v.name,
      v.type,
      v.infra,
      v.namespace,
      v.size ?? '-',
      v.accessMode,
      v.usedBy.length > 0 ? 'IN_USE' : v.phase.toUpperCase(),
      v.usedBy.join(', ') || '-',
      v.ownerName ?? '-',
      ago(v.createdAt, now),
      v.ephemeral ? 'yes' : 'no',
    ]),
    ctx.colors,
  );
}

/** `skyport volumes apply|ls|delete` (SkyPilot's `sky volumes`). */
export function volumesCommand(ctx: CliContext): Command {
  const volumes = new Command('volumes')
    .description('Create, list and delete volumes (Kubernetes PersistentVolumeClaims) that tasks mount with `volumes:`')
    .addHelpText('after', '\nExamples:\n  $ skyport volumes apply volume.yaml\n  $ skyport volumes ls\n  $ skyport volumes delete data');
  volumes
    .command('apply')
    .description("Create a volume from a SkyPilot volume file (name, type: k8s-pvc, infra, size, config); applying it again is harmless")
    .argument('<volume.yaml>', 'volume file')
    .option('-y, --yes', 'do not ask (accepted for SkyPilot compatibility; Skyport does not ask)')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport volumes apply volume.yaml\n\nvolume.yaml:\n  name: data\n  type: k8s-pvc\n  infra: k8s\n  size: 10Gi\n  config:\n    access_mode: ReadWriteOnce\n\nThen mount it in a task:\n  volumes:\n    /mnt/data: data')
    .action(async (file: string, opts: OutputOptions) => {
      const doc = readVolumeFile(file);
      const volume = await ctx.client().applyVolume(doc);
      if (opts.output === 'json') printJson(ctx, volume);
      else ctx.out(`${ctx.colors.green('✓')} volume '${volume.name}': PersistentVolumeClaim ${volume.namespace}/${volume.name} in ${volume.infra} (${volume.size ?? 'existing'}, ${volume.phase})`);
    });
  volumes
    .command('ls')
    .alias('list')
    .description('List your volumes and the clusters using them')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport volumes ls\n  $ skyport volumes ls -o json')
    .action(async (opts: OutputOptions) => {
      const items = await ctx.client().listVolumes();
      if (opts.output === 'json') printJson(ctx, items);
      else ctx.out(renderVolumes(items, ctx));
    });
  volumes
    .command('delete')
    .description('Delete volumes and their claims (refused while a cluster uses one)')
    .argument('<names...>', 'volume names')
    .option('-y, --yes', 'do not ask (accepted for SkyPilot compatibility; Skyport does not ask)')
    .addHelpText('after', '\nExamples:\n  $ skyport volumes delete data\n  $ skyport volumes delete data scratch')
    .action(async (names: string[]) => {
      let failed = 0;
      for (const name of names) {
        try {
          await ctx.client().deleteVolume(name);
          ctx.out(`${ctx.colors.green('✓')} deleted volume '${name}'`);
        } catch (error) {
          if (!isSkyportError(error)) throw error;
          failed += 1;
          ctx.err(`${ctx.colors.red('✗')} ${error.userMessage}`);
        }
      }
      if (failed > 0) throw new CliExit(ExitCode.Failed);
    });
  return volumes;
}
