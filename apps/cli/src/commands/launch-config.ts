import { isMap, parseDocument } from 'yaml';
import { launchKubernetesLayer } from '@skyport/config';
import type { CliContext } from '../context/cli-context';
import type { PreparedTask } from './task-options';

/**
 * The task a launch sends, with the user's own Kubernetes settings in its `config.kubernetes`: the config file's
 * pod_config / custom_metadata / provision_timeout < the task's own `config:` < `--config`. They travel as the
 * task's layer, so the api checks them against the admin's policy like any task's. The file's server-side keys
 * (allowed_contexts, context_configs, pricing, ...) stay behind and are named once.
 */
export function withClientConfig(ctx: CliContext, task: PreparedTask): PreparedTask {
  const { file, overrides } = ctx.configLayers();
  const doc = parseDocument(task.yaml, { merge: true });
  if (doc.errors.length || !isMap(doc.contents)) return task; // prepareTask accepted it; nothing to lay over
  const own = doc.getIn(['config', 'kubernetes']);
  const taskKubernetes = isMap(own) ? (own.toJS(doc) as Record<string, unknown>) : undefined;
  const { kubernetes, serverOnly } = launchKubernetesLayer(file, taskKubernetes, overrides);
  ctx.configNote('your config', serverOnly, "server-side only, ignored here (the server's config decides them)");
  if (!kubernetes) return task;
  if (!isMap(doc.get('config'))) doc.set('config', doc.createNode({}));
  doc.setIn(['config', 'kubernetes'], doc.createNode(kubernetes));
  return { ...task, yaml: doc.toString() };
}
