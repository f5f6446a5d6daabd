import type { KeyPath } from '../schema/validate-schema';
import type { FileMount, TaskProblem } from '../types/task-spec.types';

type Report = (path: KeyPath, message: string, extra?: Pick<TaskProblem, 'unsupportedKey'>) => void;

/** What a bucket mount can be today, said in every refusal so the user knows what to write instead. */
const SUPPORTED =
  "Skyport supports Amazon S3 (or the S3-compatible endpoint this server is configured with): '/dst: s3://bucket[/prefix]' or {source: s3://bucket[/prefix], mode: COPY | MOUNT | MOUNT_CACHED}";

/** Modes that mount the bucket in the pod (Skyport's S3 mount driver on the nodes) instead of copying it. */
export const BUCKET_MOUNT_MODES = ['MOUNT', 'MOUNT_CACHED'] as const;

/** True when a storage object mounts its bucket (MOUNT, MOUNT_CACHED, or no mode: SkyPilot's default is MOUNT). */
export function isBucketMount(mount: FileMount): boolean {
  return mount.storage !== undefined && mount.storage.mode !== 'COPY';
}

/**
 * True when a file mount copies a bucket onto the nodes (`/dst: s3://…`, or storage in mode COPY): what a launch onto a
 * running cluster copies again, as `sky launch` on an existing cluster re-runs its file_mounts.
 */
export function isBucketCopy(mount: FileMount): boolean {
  return mount.storage !== undefined ? mount.storage.mode === 'COPY' : isS3Source(mount.source);
}

/** Bucket URL schemes SkyPilot knows, by the store they name (sky/data/storage.py `StoreType`). */
const OTHER_STORES: Array<{ test: RegExp; store: string }> = [
  { test: /^gs:\/\//i, store: 'Google Cloud Storage (gs://)' },
  { test: /^r2:\/\//i, store: 'Cloudflare R2 (r2://)' },
  { test: /^cos:\/\//i, store: 'IBM Cloud Object Storage (cos://)' },
  { test: /^oci:\/\//i, store: 'OCI Object Storage (oci://)' },
  { test: /^nebius:\/\//i, store: 'Nebius Object Storage (nebius://)' },
  { test: /^cw:\/\//i, store: 'CoreWeave Object Storage (cw://)' },
  { test: /^https:\/\/[^/]+\.blob\.core\.windows\.net/i, store: 'Azure Blob Storage' },
];

/** `store:` values SkyPilot accepts; only `s3` is backed by Skyport. */
const STORE_NAMES: Record<string, string> = {
  gcs: 'Google Cloud Storage',
  azure: 'Azure Blob Storage',
  r2: 'Cloudflare R2',
  ibm: 'IBM Cloud Object Storage',
  oci: 'OCI Object Storage',
  nebius: 'Nebius Object Storage',
  coreweave: 'CoreWeave Object Storage',
};

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** True for `s3://bucket[/prefix]` with a bucket name. */
export function isS3Source(source: string | undefined): boolean {
  return source !== undefined && /^s3:\/\/[^/]+/i.test(source);
}

/** `s3://bucket/a/b` → {bucket, prefix: 'a/b'} (no leading or trailing '/'). */
export function parseS3Url(source: string): { bucket: string; prefix: string } {
  const rest = source.replace(/^s3:\/\//i, '');
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: rest, prefix: '' };
  return { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1).replace(/^\/+|\/+$/g, '') };
}

/** `$VAR`/`${VAR}`: filled from envs at launch, checked then (by the provisioner when it copies). */
const PLACEHOLDER = /\$\{?[A-Za-z_]/;

/**
 * The bucket parts of `file_mounts` Skyport can honour: S3 sources copied (COPY) into every node, or mounted
 * (MOUNT, MOUNT_CACHED) through the S3 mount driver of a Kubernetes context. Anything else a SkyPilot task may
 * name — other stores, a mount at a path under home — is refused here, naming the field and the value, so a task
 * never starts without the data it asked for.
 */
export function checkFileMount(mount: FileMount, rawSource: unknown, report: Report): void {
  const at: KeyPath = ['file_mounts', mount.target];
  if (mount.source !== undefined) checkSource(mount.source, mount.storage ? [...at, 'source'] : at, report);
  if (!mount.storage) return;
  if (Array.isArray(rawSource)) {
    report([...at, 'source'], `a list of sources (${rawSource.map(String).join(', ')}) is not supported by Skyport yet: give one directory or one s3:// URL`, {
      unsupportedKey: 'file_mounts.source (a list)',
    });
  }
  if (mount.storage.name && mount.source !== undefined && URL_SCHEME.test(mount.source) && !mount.source.startsWith('skyport-blob://')) {
    report(
      [...at, 'name'],
      `a named bucket filled from another bucket ('${mount.storage.name}' from '${mount.source}') is not supported by Skyport yet: drop 'name' to copy '${mount.source}' itself, or give a local directory as the source`,
      { unsupportedKey: 'file_mounts.name with a bucket source' },
    );
  }
  const store = mount.storage.store;
  if (store !== undefined && store.toLowerCase() !== 's3' && !PLACEHOLDER.test(store)) {
    const name = STORE_NAMES[store.toLowerCase()];
    report([...at, 'store'], `store '${store}'${name ? ` (${name})` : ''} is not supported by Skyport: use store: s3. ${SUPPORTED}`, { unsupportedKey: `file_mounts.store: ${store}` });
  }
  const mode = mount.storage.mode ?? 'MOUNT';
  if (mode !== 'COPY' && !(BUCKET_MOUNT_MODES as readonly string[]).includes(mode)) {
    report([...at, 'mode'], `mode ${mode} is not a storage mode: use COPY, MOUNT or MOUNT_CACHED`, { unsupportedKey: `file_mounts.mode: ${mode}` });
  } else if (mode !== 'COPY' && !mount.target.startsWith('/') && !PLACEHOLDER.test(mount.target)) {
    // The bucket is a volume of the pod, mounted at an absolute path before the container starts (no home yet).
    // A `$VAR` target is checked by the provisioner once envs are filled in.
    report(at, `mode ${mode} mounts the bucket at an absolute path: '${mount.target}' is under home; write an absolute target (e.g. /data) or use mode: COPY`, {
      unsupportedKey: `file_mounts.mode: ${mode} at ~`,
    });
  }
}

function checkSource(source: string, at: KeyPath, report: Report): void {
  if (!URL_SCHEME.test(source) || isS3Source(source) || source.startsWith('skyport-blob://')) return;
  const other = OTHER_STORES.find((s) => s.test.test(source));
  const what = other ? `${/^[AEIOU]/.test(other.store) ? 'an' : 'a'} ${other.store} bucket` : 'a URL';
  report(at, `'${source}' is ${what}, which is not supported by Skyport as a file_mounts source. ${SUPPORTED}, or a local path (uploaded by the CLI)`, {
    unsupportedKey: `file_mounts source ${other ? other.store : 'URL'}`,
  });
}
