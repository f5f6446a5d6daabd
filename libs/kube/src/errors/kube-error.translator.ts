import { ErrorCode, SkyportError, isSkyportError } from '@skyport/contracts';
import { skyportMetrics, SpanKind, withSpan } from '@skyport/telemetry';

/** What the caller was doing, so the message can say "cannot create pods in namespace x". */
export interface KubeOperation {
  verb: string;
  resource: string;
  name?: string;
  namespace?: string;
  context?: string;
}

/** The kind of failure, carried in `details.kind` so callers can branch without parsing messages. */
export type KubeErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'invalid' | 'gone' | 'timeout' | 'server' | 'unknown';

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_STREAM_PREMATURE_CLOSE']);

/** The HTTP status of a client-node error (ApiException `code`, watch `statusCode`, websocket upgrade text). */
export function kubeStatusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  // `ws` reports a refused upgrade as "Unexpected server response: 403".
  const m = typeof e.message === 'string' ? /Unexpected server response: (\d{3})/.exec(e.message) : null;
  return m ? Number(m[1]) : undefined;
}

export function isKubeNotFound(err: unknown): boolean {
  if (isSkyportError(err)) return err.details?.kind === 'not-found';
  return kubeStatusCode(err) === 404;
}

export function isKubeConflict(err: unknown): boolean {
  if (isSkyportError(err)) return err.details?.kind === 'conflict';
  return kubeStatusCode(err) === 409;
}

function statusBody(err: unknown): StatusBody | undefined {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return body ? { message: body } : undefined;
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : undefined;
}

function networkCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && typeof cur === 'object' && cur !== null; depth++) {
    const c = cur as { code?: unknown; errno?: unknown; cause?: unknown; type?: unknown };
    if (typeof c.code === 'string' && NETWORK_CODES.has(c.code)) return c.code;
    if (typeof c.errno === 'string' && NETWORK_CODES.has(c.errno)) return c.errno;
    cur = c.cause;
  }
  const msg = err instanceof Error ? err.message : '';
  const m = /\b(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT)\b/.exec(msg) ?? (/Premature close|socket hang up/i.test(msg) ? [msg, 'ECONNRESET'] : null);
  return m?.[1];
}

function target(op: KubeOperation): string {
  const what = op.name ? `${op.resource}/${op.name}` : op.resource;
  const where = op.namespace ? ` in namespace "${op.namespace}"` : '';
  const ctx = op.context ? ` (context "${op.context}")` : '';
  return `${what}${where}${ctx}`;
}

/**
 * Turns anything @kubernetes/client-node throws into a SkyportError whose message a user can act on.
 * `details.kind` says which failure it was and `details.status` the HTTP status, when there was one.
 */
export function translateKubeError(err: unknown, op: KubeOperation): SkyportError {
  if (isSkyportError(err)) return err;
  const status = kubeStatusCode(err);
  const body = statusBody(err);
  const serverMsg = body?.message ? body.message.split('\n')[0] : undefined;
  const base = { verb: op.verb, resource: op.resource, name: op.name, namespace: op.namespace, context: op.context, status };
  const ctxHint = op.context ? ` --context ${op.context}` : '';
  const nsHint = op.namespace ? ` -n ${op.namespace}` : '';
  const make = (code: ErrorCode, kind: KubeErrorKind, message: string, extra: Record<string, unknown> = {}) =>
    new SkyportError(code, message, { kind, ...base, ...extra, ...(serverMsg ? { serverMessage: serverMsg } : {}) }, { cause: err });

  if (status === undefined) {
    const code = networkCode(err);
    if (code || (err instanceof Error && /fetch|socket|connect|network/i.test(err.message))) {
      return make(
        ErrorCode.KubernetesUnavailable,
        'unreachable',
        `The Kubernetes API server${op.context ? ` of context "${op.context}"` : ''} cannot be reached${code ? ` (${code})` : ''}. ` +
          `Check that the cluster is running and reachable: \`kubectl${ctxHint} cluster-info\`.`,
        { networkCode: code },
      );
    }
    if ((err as { name?: unknown }).name === 'AbortError' || /timed? ?out/i.test(err instanceof Error ? err.message : '')) {
      return make(ErrorCode.KubernetesUnavailable, 'timeout', `The Kubernetes API server did not answer in time while trying to ${op.verb} ${target(op)}.`);
    }
    return make(ErrorCode.Internal, 'unknown', `Kubernetes call failed: could not ${op.verb} ${target(op)}.`);
  }
  switch (status) {
    case 401:
      return make(
        ErrorCode.KubernetesForbidden,
        'unauthorized',
        `Kubernetes rejected the credentials${op.context ? ` of context "${op.context}"` : ''} (401 Unauthorized): the token or ` +
          `certificate is missing, expired or wrong. Refresh the kubeconfig's credentials and check with \`kubectl${ctxHint} auth whoami\`.`,
      );
    case 403:
      return make(
        ErrorCode.KubernetesForbidden,
        'forbidden',
        `Kubernetes denied permission to ${op.verb} ${op.resource}${op.namespace ? ` in namespace "${op.namespace}"` : ''}` +
          `${op.context ? ` (context "${op.context}")` : ''}. Ask your cluster admin for a Role that allows it; ` +
          `\`kubectl${ctxHint} auth can-i ${op.verb} ${op.resource}${nsHint}\` checks.`,
      );
    case 404:
      return make(ErrorCode.NotFound, 'not-found', `${target(op)} does not exist.`);
    case 409:
      return make(ErrorCode.Conflict, 'conflict', `${target(op)} already exists or was changed concurrently; could not ${op.verb} it.`);
    case 410:
      return make(ErrorCode.KubernetesUnavailable, 'gone', `The watch on ${target(op)} expired; it is restarted from a fresh list.`);
    case 422:
    case 400: {
      const causes = (body?.details?.causes ?? []).map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`.trim()).filter((s) => s);
      const why = causes.length > 0 ? causes.join('; ') : (serverMsg ?? 'the object was rejected');
      return make(ErrorCode.InvalidRequest, 'invalid', `Kubernetes refused to ${op.verb} ${target(op)}: ${why}.`, { causes });
    }
    default:
      if (status === 429 || status >= 500) {
        return make(
          ErrorCode.KubernetesUnavailable,
          'server',
          `The Kubernetes API server failed (${status}) while trying to ${op.verb} ${target(op)}; try again shortly.`,
        );
      }
      return make(ErrorCode.Internal, 'unknown', `Kubernetes answered ${status} while trying to ${op.verb} ${target(op)}.`);
  }
}

/** Runs a client-node call and translates whatever it throws. */
export async function kubeCall<T>(op: KubeOperation, fn: () => Promise<T>): Promise<T> {
  return observedKubeCall(op, async () => {
    try {
      return await fn();
    } catch (err) {
      throw translateKubeError(err, op);
    }
  });
}

/** Like kubeCall, but a 404 yields `undefined` (reads and deletes of things that may be gone). */
export async function kubeCallOrUndefined<T>(op: KubeOperation, fn: () => Promise<T>): Promise<T | undefined> {
  return observedKubeCall(op, async () => {
    try {
      return await fn();
    } catch (err) {
      if (kubeStatusCode(err) === 404) return undefined;
      throw translateKubeError(err, op);
    }
  });
}

/**
 * Every Kubernetes call through this door is a client span of the caller's trace and counts in the Kubernetes
 * metrics, by verb, resource and the translated error kind (so a dashboard shows "forbidden" rather than 403).
 */
async function observedKubeCall<T>(op: KubeOperation, call: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const labels = { verb: op.verb, resource: op.resource };
  const attributes = { 'k8s.verb': op.verb, 'k8s.resource': op.resource, ...(op.namespace ? { 'k8s.namespace.name': op.namespace } : {}), ...(op.context ? { 'k8s.context': op.context } : {}) };
  try {
    const result = await withSpan(`kube ${op.verb} ${op.resource}`, { kind: SpanKind.CLIENT, attributes }, call);
    skyportMetrics.kubeRequests().inc({ ...labels, outcome: 'ok' });
    return result;
  } catch (err) {
    const kind = isSkyportError(err) && typeof err.details?.kind === 'string' ? err.details.kind : 'unknown';
    skyportMetrics.kubeRequests().inc({ ...labels, outcome: kind });
    throw err;
  } finally {
    skyportMetrics.kubeRequestSeconds().observe(labels, (Date.now() - started) / 1000);
  }
}
