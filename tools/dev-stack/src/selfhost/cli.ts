#!/usr/bin/env node
import { keeperPid } from './keeper-process';
import { localClusterInfo } from './cluster-info';
import { SELFHOST, selfhostFiles } from './settings';
import { selfhostDown, selfhostUp } from './selfhost';

const USAGE = `usage: npm run selfhost -- up [--database local|in-cluster] [--set key=value ...] | down | status
  up      builds and pushes the image, installs the chart on the local real-node cluster '${SELFHOST.cluster}',
          waits for every Deployment, then prints two lines to eval:
            export SKYPORT_API_URL=...   (a port-forward kept running in the background)
            export SKYPORT_TOKEN_FILE=... (the initial admin token, from the chart's Secret)
          e.g.  eval "$(npm run -s selfhost -- up)" && skyport api login --token-file "$SKYPORT_TOKEN_FILE"
          --database local (the default for a new install; an upgrade keeps the install's): the local stack's
          Postgres and Redis, relayed onto the pod bridge;
          in-cluster: the chart's own (images built from Debian packages; data on the cluster's local-path volumes)
  down    uninstalls it and removes its cluster, database and background port-forward
  status  what is running`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'up': {
      const set: string[] = [];
      let database: 'local' | 'in-cluster' | undefined;
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '--set' && rest[i + 1]) set.push(rest[++i]!);
        else if (rest[i] === '--database' && (rest[i + 1] === 'local' || rest[i + 1] === 'in-cluster')) database = rest[++i] as typeof database;
        else {
          process.stderr.write(`unknown argument '${rest[i]}'\n${USAGE}\n`);
          return 2;
        }
      }
      const env = await selfhostUp({ set, database });
      for (const [k, v] of Object.entries(env)) process.stdout.write(`export ${k}=${v}\n`);
      return 0;
    }
    case 'down':
      await selfhostDown();
      return 0;
    case 'status': {
      const info = localClusterInfo(SELFHOST.cluster);
      const pid = keeperPid();
      process.stdout.write(`cluster     ${info ? `${info.context} ${info.state}` : 'absent'}\n`);
      process.stdout.write(`api         ${pid ? `http://127.0.0.1:${SELFHOST.apiPort} (port-forward pid ${pid})` : 'no port-forward'}\n`);
      process.stdout.write(`token file  ${selfhostFiles.adminToken()}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return command ? 2 : 0;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`selfhost: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
