#!/usr/bin/env node
import { API_URL, servicePid, servicesDown, servicesUp, ALL_SERVICES } from './services';
import { stackDown, stackStatus, stackUp } from './stack';

// `npm run stack -- up|down|status|env [--no-kube] [--no-s3] [--layout L]`
//   up/env also start moto on 127.0.0.1:26455 as the services' S3 endpoint (SKYPORT_S3_ENDPOINT + dummy keys).
//   up/down also start/stop the Skyport services when given --services.
//   --layout real (or mixed): nodes run real containers; `env` then also gives SKYPORT_DEFAULT_IMAGE (the local
//   registry's task image) and SKYPORT_REGISTRY_AUTH_FILE (its pull credentials) for the services.
async function main(): Promise<number> {
  const [command = 'status', ...rest] = process.argv.slice(2);
  const kube = !rest.includes('--no-kube');
  const layoutIndex = rest.indexOf('--layout');
  const kubeLayout = layoutIndex >= 0 ? rest[layoutIndex + 1] : undefined;
  // moto as the services' S3 (buckets in file_mounts); --no-s3 leaves it out.
  const s3 = !rest.includes('--no-s3');
  switch (command) {
    case 'up': {
      const env = stackUp({ kube, kubeLayout, s3 });
      if (rest.includes('--services')) {
        // The local cluster's kubeconfig may hold other contexts (tests start their own clusters): the quick
        // start's services use only the local one unless told otherwise.
        const allowed = process.env.SKYPORT_ALLOWED_CONTEXTS ?? env.SKYPORT_KUBE_CONTEXT;
        await servicesUp({ ...env, ...(allowed ? { SKYPORT_ALLOWED_CONTEXTS: allowed } : {}) }, (line) => process.stderr.write(`${line}\n`));
        process.stderr.write(`api        ${API_URL}\n`);
      }
      return 0;
    }
    case 'env': {
      // Only `export` lines on stdout (callers eval them); why buckets are off still goes to stderr.
      const env = stackUp({ kube, kubeLayout, s3, log: (line) => (line.startsWith('s3        off') ? process.stderr.write(`${line}\n`) : undefined) });
      for (const [k, v] of Object.entries(env)) process.stdout.write(`export ${k}=${String(v)}\n`);
      return 0;
    }
    case 'down':
      await servicesDown();
      stackDown({ kube });
      process.stderr.write('local stack stopped\n');
      return 0;
    case 'status':
      for (const [k, v] of Object.entries(stackStatus())) process.stdout.write(`${k.padEnd(11)} ${v}\n`);
      for (const name of ALL_SERVICES) process.stdout.write(`${name.padEnd(11)} ${servicePid(name) ? `running (pid ${servicePid(name)})` : 'stopped'}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command '${command}'; use up, down, status or env\n`);
      return 2;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`stack: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
