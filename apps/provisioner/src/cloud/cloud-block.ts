import { CLOUD_DISPLAY_NAMES, isCloudName } from '@skyport/catalog';
import { ErrorCode, SkyportError, isSkyportError, type BlockedCandidate } from '@skyport/contracts';

/** The parts of a plan candidate (OptimizerRpc.Candidate) that the cloud path reads. */
export interface CloudCandidate {
  candidateId: string;
  provider: string;
  region: string;
  zone?: string;
  instanceType: string;
  useSpot: boolean;
}

export type BlockScope = 'candidate' | 'region' | 'cloud';

/** Providers Skyport can launch VMs on. The others are catalog candidates: shown, priced, never launched. */
export const LAUNCHABLE_CLOUDS: ReadonlySet<string> = new Set(['aws']);

function displayName(provider: string): string {
  return isCloudName(provider) ? CLOUD_DISPLAY_NAMES[provider] : provider;
}

/** A cloud candidate Skyport cannot launch: a clear reason, and the whole provider is skipped. */
export function providerUnavailableError(candidate: CloudCandidate, enabled: ReadonlySet<string>): SkyportError {
  const name = displayName(candidate.provider);
  const message = LAUNCHABLE_CLOUDS.has(candidate.provider)
    ? `${name} is not enabled on this Skyport (set SKYPORT_CLOUD_PROVIDERS=${candidate.provider} and its credentials on the provisioner); provider not available.`
    : `${name} is a catalog candidate only: Skyport cannot launch VMs there yet (provider not available).`;
  return new SkyportError(ErrorCode.ProviderUnavailable, message, {
    provider: candidate.provider,
    kind: 'provider-unavailable',
    scope: 'cloud' satisfies BlockScope,
    enabled: [...enabled],
  });
}

/** How much of the plan an error rules out (`details.scope` of the cloud errors); a single candidate otherwise. */
export function blockScopeOf(err: unknown): BlockScope {
  const scope = isSkyportError(err) ? err.details?.scope : undefined;
  return scope === 'region' || scope === 'cloud' ? scope : 'candidate';
}

export function userMessageOf(err: unknown): string {
  if (isSkyportError(err)) return err.userMessage;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The candidates a failed cloud launch rules out, each with the reason: the candidate itself, every candidate
 * of its region (a quota), or every candidate of its cloud (credentials, provider not available) — so failover
 * does not try the same wall again.
 */
export function blockedByFailure(failed: CloudCandidate, err: unknown, candidates: readonly CloudCandidate[]): BlockedCandidate[] {
  const scope = blockScopeOf(err);
  const reason = userMessageOf(err);
  const hit = (c: CloudCandidate) =>
    c.candidateId === failed.candidateId ||
    (scope === 'region' && c.provider === failed.provider && c.region === failed.region) ||
    (scope === 'cloud' && c.provider === failed.provider);
  const out = candidates.filter(hit).map((c) => ({ candidateId: c.candidateId, reason }));
  if (!out.some((b) => b.candidateId === failed.candidateId)) out.unshift({ candidateId: failed.candidateId, reason });
  return out;
}
