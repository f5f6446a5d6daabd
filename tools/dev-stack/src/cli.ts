#!/usr/bin/env node
import { stackDown, stackStatus, stackUp } from './stack';

// `npm run stack -- up|down|status|env [--no-kube] [--layout L]`
function main(): number {
  const [command = 'status', ...rest] = process.argv.slice(2);
  const kube = !rest.includes('--no-kube');
  const layoutIndex = rest.indexOf('--layout');
  const kubeLayout = layoutIndex >= 0 ? rest[layoutIndex + 1] : undefined;
  switch (command) {
    case 'up': {
      stackUp({ kube, kubeLayout });
      return 0;
    }
    case 'env': {
      const env = stackUp({ kube, kubeLayout, log: () => undefined });
      for (const [k, v] of Object.entries(env)) process.stdout.write(`export ${k}=${String(v)}\n`);
      return 0;
    }
    case 'down':
      stackDown({ kube });
      process.stderr.write('local stack stopped\n');
      return 0;
    case 'status':
      for (const [k, v] of Object.entries(stackStatus())) process.stdout.write(`${k.padEnd(9)} ${v}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command '${command}'; use up, down, status or env\n`);
      return 2;
  }
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`stack: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
