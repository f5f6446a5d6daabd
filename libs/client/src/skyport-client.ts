import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  SkyportError,
  isSkyportError,
  type CancelAccepted,
  type CancelBodyInput as CancelBody,
  type QuotaBodyInput,
  type CheckView,
  type ClusterDetail,
  type ClusterSummary,
  type CostReportItem,
  type CostReportPage,
  type DownAccepted,
  type PowerAccepted,
  type EndpointsView,
  type ErrorBody,
  type GpusView,
  type InfoView,
  type PrincipalView,
  type NamespaceView,
  type QueueEntryView,
  type TeamView,
  type TokenCreated,
  type TokenView,
  type UserView,
  type UserCreateInput,
  type UserPatchInput,
  type TokenCreateInput,
  type WebhookCreateInput,
  type WebhookCreated,
  type WebhookView,
  type VolumeDeleted,
  type StorageDeleted,
  type StorageView,
  type ManagedJobAccepted,
  type ManagedJobRequestBody,
  type ManagedJobView,
  type ManagedJobsCancelled,
  type VolumeView,
  type EventView,
  type JobView,
  type LaunchAccepted,
  type LaunchRequestBody,
  type RequestView,
  type BlobLimits,
  type BlobManifest,
  type BlobMissingAnswer,
  type BlobPutAnswer,
  type ManifestCreated,
  type AuditPage,
  type DeliveryPage,
  type ManagedJobList,
  type StorageList,
  type VolumeList,
} from '@skyport/contracts';
import type { AutostopAnswer, AutostopBody, ClientOptions, CostReport, DryrunResponse, LogLine, LogStreamOptions, StreamEnd } from './client.types';
import { DEFAULT_RETRY_POLICY, isRepeatable, isRetryableStatus, retryDelayMs, type RetryPolicy } from './retry-policy';
import { readSse, type SseMessage } from './sse/sse-parser';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Tries again after a connection failure (0.5 + 1 + 2 s with the default policy): an api restart, not an absent api. */
const TRANSPORT_RETRIES = 3;
/** Looks again at a followed stream that closed with nothing (0.5 + 1 + 2 s with the default policy). */
const EMPTY_STREAM_RETRIES = 3;

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The one typed client of the Skyport REST api (`/v1`). Every CLI command goes through it. Errors become
 * `SkyportError`s: the api's `{code, message, details}` as sent, and connection failures as
 * DEPENDENCY_UNAVAILABLE with a message that says where it tried.
 */
export class SkyportClient {
  readonly endpoint: string;
  private readonly token?: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly userAgent: string;
  private readonly retry: RetryPolicy;

  constructor(options: ClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
    this.userAgent = options.userAgent ?? 'skyport-client';
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  // Launch and jobs.

  /** Starts a launch; answers at once with the request id. A fresh idempotency key is used unless given. */
  launch(cluster: string, body: Omit<LaunchRequestBody, 'dryrun'>, idempotencyKey: string = randomUUID()): Promise<LaunchAccepted> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/launch`, { body, headers: { 'idempotency-key': idempotencyKey } });
  }

  /** `launch --dryrun`: the optimizer's plan, nothing launched. */
  plan(cluster: string, body: Omit<LaunchRequestBody, 'dryrun'>): Promise<DryrunResponse> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/launch`, { body: { ...body, dryrun: true } });
  }

  exec(cluster: string, body: LaunchRequestBody, idempotencyKey: string = randomUUID()): Promise<LaunchAccepted> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/exec`, { body, headers: { 'idempotency-key': idempotencyKey } });
  }

  getRequest(requestId: string): Promise<RequestView> {
    return this.json('GET', `/v1/requests/${enc(requestId)}`);
  }

  /**
   * The request's events, from the start, as they happen (SSE). Ends when the server ends the stream (the
   * request finished) — the returned value is the final status when the server sent one.
   */
  async *requestEvents(requestId: string, options: { follow?: boolean; after?: string; signal?: AbortSignal } = {}): AsyncGenerator<EventView, StreamEnd | undefined> {
    const query: Query = { follow: options.follow === false ? undefined : 1, after: options.after };
    for await (const message of this.resumingSse(`/v1/requests/${enc(requestId)}/events`, query, options.follow !== false, options.signal)) {
      if (message.event === 'end') return parseJson<StreamEnd>(message.data) ?? {};
      if (message.event === 'error') throw errorFromBody(parseJson<ErrorBody>(message.data), 500);
      const event = parseJson<EventView>(message.data);
      if (event) yield event;
    }
    return undefined;
  }

  /** Every job of the cluster (all pages), newest first as the api orders them. */
  listJobs(cluster: string): Promise<JobView[]> {
    return this.allPages<JobView>(`/v1/clusters/${enc(cluster)}/jobs`, {});
  }

  cancelJobs(cluster: string, body: CancelBody, idempotencyKey: string = randomUUID()): Promise<CancelAccepted> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/jobs/cancel`, { body, headers: { 'idempotency-key': idempotencyKey } });
  }

  /** A job's output (or its setup / provisioning log), following it while it runs when `follow`. */
  async *jobLogs(cluster: string, jobId: number, options: LogStreamOptions = {}): AsyncGenerator<LogLine, StreamEnd | undefined> {
    const path = `/v1/clusters/${enc(cluster)}/jobs/${jobId}/logs`;
    const query: Query = { follow: options.follow ? 1 : 0, tail: options.tail, stream: options.stream };
    for await (const message of this.resumingSse(path, query, options.follow === true, options.signal)) {
      if (message.event === 'end') return parseJson<StreamEnd>(message.data) ?? {};
      if (message.event === 'error') throw errorFromBody(parseJson<ErrorBody>(message.data), 500);
      const parsed = parseJson<LogLine | string>(message.data);
      if (parsed === undefined) yield { line: message.data };
      else if (typeof parsed === 'string') yield { line: parsed };
      else yield parsed;
    }
    return undefined;
  }

  // Clusters.

  /** Every cluster visible to the caller (all pages); `all` includes terminated ones. */
  listClusters(options: { all?: boolean } = {}): Promise<ClusterSummary[]> {
    // The api's largest page: with thousands of clusters, 5× fewer round trips than the default 100.
    return this.allPages<ClusterSummary>('/v1/clusters', { all: options.all ? 1 : undefined, limit: 500 });
  }

  /** One cluster with its jobs, placement attempts, plan and latest events. */
  getCluster(cluster: string): Promise<ClusterDetail> {
    return this.json('GET', `/v1/clusters/${enc(cluster)}`);
  }

  /** The cluster's endpoints (`status --endpoints`): port → URL. */
  getEndpoints(cluster: string): Promise<EndpointsView> {
    return this.json('GET', `/v1/clusters/${enc(cluster)}/endpoints`);
  }

  down(cluster: string, idempotencyKey: string = randomUUID()): Promise<DownAccepted> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/down`, { body: {}, headers: { 'idempotency-key': idempotencyKey } });
  }

  /** `skyport stop`: a cloud VM cluster's VMs are stopped (Kubernetes clusters answer 409). */
  stop(cluster: string, idempotencyKey: string = randomUUID()): Promise<PowerAccepted> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/stop`, { body: {}, headers: { 'idempotency-key': idempotencyKey } });
  }

  /** `skyport start`: a STOPPED cluster's VMs run again. */
  start(cluster: string, idempotencyKey: string = randomUUID()): Promise<PowerAccepted> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/start`, { body: {}, headers: { 'idempotency-key': idempotencyKey } });
  }

  setAutostop(cluster: string, body: AutostopBody): Promise<AutostopAnswer> {
    return this.json('POST', `/v1/clusters/${enc(cluster)}/autostop`, { body });
  }

  // Information.

  check(): Promise<CheckView> {
    return this.json('GET', '/v1/check');
  }

  gpus(query: { name?: string; infra?: string } = {}): Promise<GpusView> {
    return this.json('GET', '/v1/gpus', { query });
  }

  /** Every cluster's cost (all pages) and the total. */
  async costReport(): Promise<CostReport> {
    const items: CostReportItem[] = [];
    let totalCost = 0;
    let cursor: string | undefined;
    do {
      const page = await this.json<CostReportPage>('GET', '/v1/cost-report', { query: { cursor } });
      items.push(...page.items);
      totalCost = page.totalCost;
      cursor = page.nextCursor;
    } while (cursor);
    return { items, totalCost };
  }

  info(): Promise<InfoView> {
    return this.json('GET', '/v1/info');
  }

  whoami(): Promise<PrincipalView> {
    return this.json('GET', '/v1/whoami');
  }

  // Platform: identity, quotas and the queue, audit, the event stream, webhooks.

  listUsers(): Promise<UserView[]> {
    return this.allPages<UserView>('/v1/users', {});
  }

  createUser(body: UserCreateInput, idempotencyKey: string = randomUUID()): Promise<UserView> {
    return this.json('POST', '/v1/users', { body, headers: { 'idempotency-key': idempotencyKey } });
  }

  updateUser(user: string, body: UserPatchInput): Promise<UserView> {
    return this.json('PATCH', `/v1/users/${enc(user)}`, { body });
  }

  listTeams(): Promise<TeamView[]> {
    return this.allPages<TeamView>('/v1/teams', {});
  }

  createTeam(name: string, idempotencyKey: string = randomUUID()): Promise<TeamView> {
    return this.json('POST', '/v1/teams', { body: { name }, headers: { 'idempotency-key': idempotencyKey } });
  }

  getTeam(team: string): Promise<TeamView> {
    return this.json('GET', `/v1/teams/${enc(team)}`);
  }

  setTeamNamespaces(team: string, namespaces: NamespaceView[]): Promise<TeamView> {
    return this.json('PUT', `/v1/teams/${enc(team)}/namespaces`, { body: { namespaces } });
  }

  setTeamQuota(team: string, quota: QuotaBodyInput): Promise<TeamView> {
    return this.json('PUT', `/v1/teams/${enc(team)}/quota`, { body: quota });
  }

  /** The caller's tokens; an admin may name a user. The tokens themselves are never listed. */
  listTokens(user?: string): Promise<TokenView[]> {
    return this.allPages<TokenView>('/v1/tokens', { user });
  }

  /** A new token (for the caller, or for `user` when an admin asks); `token` is in this answer only. */
  createToken(body: TokenCreateInput = {}, idempotencyKey: string = randomUUID()): Promise<TokenCreated> {
    return this.json('POST', '/v1/tokens', { body, headers: { 'idempotency-key': idempotencyKey } });
  }

  revokeToken(tokenId: string): Promise<TokenView> {
    return this.json('DELETE', `/v1/tokens/${enc(tokenId)}`);
  }

  /** Launches waiting for their team's quota, with position and reason. */
  queue(): Promise<QueueEntryView[]> {
    return this.allPages<QueueEntryView>('/v1/queue', {});
  }

  /** One page of the audit log, newest first (admins). */
  audit(query: { actor?: string; result?: string; since?: string; limit?: number; cursor?: string } = {}): Promise<AuditPage> {
    return this.json('GET', '/v1/audit', { query });
  }

  /**
   * Request, cluster and job transitions the caller may see, in order, after `since` (an event id; absent: from
   * now). Resume after a disconnect with the id of the last event seen: nothing is lost or repeated.
   */
  async *events(options: { since?: string; follow?: boolean; types?: string[]; signal?: AbortSignal } = {}): AsyncGenerator<EventView, void> {
    const query: Query = { since: options.since, follow: options.follow === false ? 0 : undefined, types: options.types?.join(',') };
    for await (const message of this.resumingSse('/v1/events', query, options.follow !== false, options.signal)) {
      const event = parseJson<EventView>(message.data);
      if (event && typeof event.id === 'string') yield event;
    }
  }

  listWebhooks(): Promise<WebhookView[]> {
    return this.allPages<WebhookView>('/v1/webhooks', {});
  }

  /** Sends the team's events to `url`; `secret` (for X-Skyport-Signature) is in this answer only. */
  createWebhook(body: WebhookCreateInput, idempotencyKey: string = randomUUID()): Promise<WebhookCreated> {
    return this.json('POST', '/v1/webhooks', { body, headers: { 'idempotency-key': idempotencyKey } });
  }

  deleteWebhook(webhookId: string): Promise<WebhookView> {
    return this.json('DELETE', `/v1/webhooks/${enc(webhookId)}`);
  }

  webhookDeliveries(webhookId: string, query: { state?: 'pending' | 'delivered' | 'failed'; limit?: number; cursor?: string } = {}): Promise<DeliveryPage> {
    return this.json('GET', `/v1/webhooks/${enc(webhookId)}/deliveries`, { query });
  }

  // Uploads of a task's local files (see upload/upload-task-files.ts, which packs and sends them).

  /** `skyport volumes apply`: SkyPilot's volume document (the YAML as an object); applying it again is harmless. */
  applyVolume(volume: Record<string, unknown>): Promise<VolumeView> {
    return this.json('POST', '/v1/volumes', { body: volume, timeoutMs: Math.max(this.timeoutMs, 60_000) });
  }

  /** The caller's team's volumes, with the live clusters using each. */
  async listVolumes(): Promise<VolumeView[]> {
    return (await this.json<VolumeList>('GET', '/v1/volumes')).items;
  }

  getVolume(name: string): Promise<VolumeView> {
    return this.json('GET', `/v1/volumes/${enc(name)}`);
  }

  /** Refused (409) while a live cluster mounts the volume. */
  deleteVolume(name: string): Promise<VolumeDeleted> {
    return this.json('DELETE', `/v1/volumes/${enc(name)}`, { timeoutMs: Math.max(this.timeoutMs, 60_000) });
  }

  /** `skyport jobs launch`: a managed job, accepted PENDING; the server launches, recovers and tears down its clusters. */
  launchManagedJob(body: ManagedJobRequestBody): Promise<ManagedJobAccepted> {
    return this.json('POST', '/v1/jobs', { body });
  }

  /** `skyport jobs logs --controller`: the job's and its clusters' events, one line each. */
  async managedJobControllerLog(id: number): Promise<string> {
    const response = await this.send('GET', `/v1/jobs/${id}/controller-log`, { headers: { accept: 'text/plain' } });
    return response.text();
  }

  /** `skyport jobs queue`: the team's managed jobs, newest first. */
  async listManagedJobs(): Promise<ManagedJobView[]> {
    return (await this.json<ManagedJobList>('GET', '/v1/jobs')).items;
  }

  getManagedJob(id: number): Promise<ManagedJobView> {
    return this.json('GET', `/v1/jobs/${id}`);
  }

  /** `skyport jobs cancel ID… | -a`: CANCELLING, then CANCELLED once each job's cluster is torn down. */
  cancelManagedJobs(target: { ids: number[] } | { all: true }): Promise<ManagedJobsCancelled> {
    return this.json('POST', '/v1/jobs/cancel', { body: target });
  }

  /** `skyport storage ls`: buckets Skyport created for the team's named storage. */
  async listStorage(): Promise<StorageView[]> {
    return (await this.json<StorageList>('GET', '/v1/storage')).items;
  }

  /** Accepted (DELETING): the server empties and deletes the bucket shortly; refused (409) while a cluster uses it. */
  deleteStorage(name: string): Promise<StorageDeleted> {
    return this.json('DELETE', `/v1/storage/${enc(name)}`);
  }

  /** The server's chunk and total upload limits. */
  blobLimits(): Promise<BlobLimits> {
    return this.json('GET', '/v1/blobs/limits');
  }

  /** Of these chunk digests, those the caller's team has not uploaded yet. */
  missingBlobs(digests: string[]): Promise<BlobMissingAnswer> {
    return this.json('POST', '/v1/blobs/missing', { body: { digests } });
  }

  /** Uploads one chunk; the server checks that its bytes hash to `digest`. */
  putBlob(digest: string, data: Uint8Array): Promise<BlobPutAnswer> {
    return this.json('PUT', `/v1/blobs/${enc(digest)}`, { raw: data, timeoutMs: Math.max(this.timeoutMs, 300_000) });
  }

  /** Registers a packed tree whose chunks are uploaded; `ref` goes into the task in place of the path. */
  createManifest(manifest: BlobManifest): Promise<ManifestCreated> {
    // Its own media type: a tree of many files is larger than the api's JSON body limit.
    const raw = new TextEncoder().encode(JSON.stringify({ manifest }));
    return this.json('POST', '/v1/blobs/manifests', { raw, headers: { 'content-type': 'application/vnd.skyport.manifest+json' }, timeoutMs: Math.max(this.timeoutMs, 120_000) });
  }

  // Transport.

  private async allPages<T>(path: string, query: Query): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const answer = await this.json<T[] | { items: T[]; nextCursor?: string }>('GET', path, { query: { ...query, cursor } });
      if (Array.isArray(answer)) return answer;
      out.push(...(answer?.items ?? []));
      cursor = answer?.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  private async json<T>(method: string, path: string, options: { body?: unknown; raw?: Uint8Array; query?: Query; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    if (!text) return undefined as T;
    const parsed = parseJson<T>(text);
    if (parsed === undefined) {
      throw new SkyportError(ErrorCode.Internal, `the api at ${this.endpoint} answered ${method} ${path} with something that is not JSON`, { status: response.status });
    }
    return parsed;
  }

  private async send(
    method: string,
    path: string,
    options: { body?: unknown; raw?: Uint8Array; query?: Query; headers?: Record<string, string>; stream?: boolean; signal?: AbortSignal; timeoutMs?: number },
  ): Promise<Response> {
    const repeatable = this.retry.retries > 0 && isRepeatable(method, options.headers ?? {});
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.sendOnce(method, path, options);
      } catch (error) {
        const failure = this.transportError(error, method, path);
        // Nothing answered (the api restarting, a reset connection): a repeatable call tries again, for a few
        // seconds only, so a user whose api is simply not running hears so at once.
        if (!repeatable || failure.details?.cancelled || attempt > Math.min(this.retry.retries, TRANSPORT_RETRIES) || options.signal?.aborted) throw failure;
        await pause(retryDelayMs(this.retry, attempt), options.signal);
        continue;
      }
      if (response.ok) return response;
      if (repeatable && isRetryableStatus(response.status) && attempt <= this.retry.retries && !options.signal?.aborted) {
        await response.body?.cancel().catch(() => undefined);
        await pause(retryDelayMs(this.retry, attempt, response.headers.get('retry-after')), options.signal);
        continue;
      }
      const text = await response.text().catch(() => '');
      throw errorFromBody(parseJson<ErrorBody>(text), response.status, `${method} ${path}`);
    }
  }

  private async sendOnce(
    method: string,
    path: string,
    options: { body?: unknown; raw?: Uint8Array; query?: Query; headers?: Record<string, string>; stream?: boolean; signal?: AbortSignal; timeoutMs?: number },
  ): Promise<Response> {
    const url = new URL(this.endpoint + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: options.stream ? 'text/event-stream' : 'application/json', 'user-agent': this.userAgent, ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.raw !== undefined) headers['content-type'] ??= 'application/octet-stream';
    const signals = [options.signal, options.stream ? undefined : AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs)].filter((s): s is AbortSignal => !!s);
    return this.fetchImpl(url, {
      method,
      headers,
      body: options.raw !== undefined ? (options.raw as unknown as string) : options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: signals.length ? AbortSignal.any(signals) : undefined,
    });
  }

  /**
   * An SSE stream that survives a lost connection: it reconnects with `Last-Event-ID` set to the last message
   * it delivered (the api resumes after it: nothing lost or repeated) until the server ends the stream with an
   * `end` event, or — when not following — ends it cleanly. Gives up after the retry policy's tries in a row
   * without a new message.
   */
  private async *resumingSse(path: string, query: Query, follow: boolean, signal?: AbortSignal): AsyncGenerator<SseMessage> {
    let lastId: string | undefined;
    let failures = 0;
    let emptyCloses = 0;
    for (;;) {
      let ended = false;
      let delivered = false;
      try {
        const headers: Record<string, string> = lastId ? { 'last-event-id': lastId } : {};
        const response = await this.send('GET', path, { query, stream: true, signal, headers });
        for await (const message of readSse(body(response))) {
          if (message.id) lastId = message.id;
          failures = 0;
          delivered = true;
          if (message.event === 'end') ended = true;
          yield message;
          if (ended) return;
        }
        if (!follow) return;
        // A followed stream closed cleanly without its `end`: a proxy, a restart, or a job whose output is not
        // stored yet (the logs service may answer before the tailer caught up). Look again a few times; one that
        // keeps closing with nothing is over (no busy reconnect loop).
        if (!delivered && ++emptyCloses > Math.min(this.retry.retries, EMPTY_STREAM_RETRIES)) return;
        if (delivered) emptyCloses = 0;
      } catch (error) {
        const failure = isSkyportError(error) ? error : this.transportError(error, 'GET', path);
        // The api's own refusals (404, 403…) are final; only a lost connection is resumed.
        if (signal?.aborted || failure.details?.cancelled || (failure.details?.status !== undefined && !isRetryableStatus(Number(failure.details.status)))) throw failure;
        if (++failures > this.retry.retries) throw failure;
      }
      await pause(retryDelayMs(this.retry, Math.max(1, failures, emptyCloses)), signal);
    }
  }

  private transportError(error: unknown, method: string, path: string): SkyportError {
    const err = error as { name?: string; cause?: { code?: string; message?: string } };
    if (err.name === 'AbortError' && !(err as { message?: string }).message?.includes('timeout')) {
      return new SkyportError(ErrorCode.Internal, 'cancelled', { cancelled: true }, { cause: error });
    }
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return new SkyportError(ErrorCode.DependencyUnavailable, `the Skyport api at ${this.endpoint} did not answer ${method} ${path} within ${this.timeoutMs / 1000} s`, { endpoint: this.endpoint }, { cause: error });
    }
    const code = err.cause?.code ?? '';
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'host not found' : code || err.cause?.message || 'network error';
    return new SkyportError(
      ErrorCode.DependencyUnavailable,
      `cannot reach the Skyport api at ${this.endpoint} (${why}): is it running? Set the address with SKYPORT_API_URL or api.endpoint in ~/.skyport/config.yaml`,
      { endpoint: this.endpoint, cause: code || undefined },
      { cause: error },
    );
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

async function* body(response: Response): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
    await response.body.cancel().catch(() => undefined);
  }
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** The api's `{code, message, details}` as a SkyportError; the HTTP status rides along in details. */
export function errorFromBody(body: ErrorBody | undefined, status: number, what?: string): SkyportError {
  if (body && typeof body.message === 'string' && KNOWN_CODES.has(body.code)) {
    return new SkyportError(body.code, body.message, { ...body.details, status });
  }
  const code = status === 404 ? ErrorCode.NotFound : status === 401 ? ErrorCode.Unauthenticated : status === 403 ? ErrorCode.Forbidden : status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidRequest;
  const message = status === 404 && what ? `the api has no ${what} (HTTP 404): is the api older than this CLI?` : `the api answered HTTP ${status}${what ? ` to ${what}` : ''}`;
  return new SkyportError(code, message, { status });
}

/** A wait that ends early (with the abort's reason) when the caller's signal fires; works in browsers too. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
