import { Inject, Injectable } from '@nestjs/common';
import { ClusterStatus, type BlockedCandidate, type OptimizerRpc } from '@skyport/contracts';
import type { PortRange } from '@skyport/cloud-aws';
import { AttemptEntity, ClusterEntity, recordEvent } from '@skyport/persistence';
import { DataSource } from 'typeorm';
import { blockedByFailure, userMessageOf } from './cloud-block';
import { CloudLauncher, cloudInfra, type LaunchedVm } from './cloud-launcher';
import { CLOUD_LAUNCHER } from './cloud-nodes.service';
import { candidateLabel, failoverSummary, mergeBlocked } from './failover-summary';

const SOURCE = 'provisioner';

export interface CloudStepInput {
  requestId: string;
  clusterName: string;
  /** The plan's candidate to launch on: a cloud one. */
  candidate: OptimizerRpc.Candidate;
  /** Every candidate of the plan (failover order), so a quota or auth error can block its whole region/cloud. */
  candidates: readonly OptimizerRpc.Candidate[];
  /** What earlier attempts blocked (the plan's `blocked`), for the summary line. */
  blocked: readonly BlockedCandidate[];
  numNodes: number;
  ports?: readonly PortRange[];
  diskSizeGb?: number;
  signal?: AbortSignal;
}

export type CloudStepResult =
  | { kind: 'up'; vms: LaunchedVm[]; summary: string }
  /** Failed: `blocked` is the whole blocked list for the re-plan (earlier ones + what this failure rules out). */
  | { kind: 'blocked'; blocked: BlockedCandidate[]; reason: string };

/**
 * The provisioner's step for a cloud candidate, the counterpart of the Kubernetes launch: one attempt row, the
 * launch (all or nothing, rolled back on failure), then either the cluster UP on `<cloud>/<region>` with the
 * failover summary, or the candidates the failure rules out so the caller re-plans without them.
 */
@Injectable()
export class CloudProvisionStep {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CLOUD_LAUNCHER) private readonly launcher: CloudLauncher,
  ) {}

  async run(input: CloudStepInput): Promise<CloudStepResult> {
    const { candidate, clusterName, requestId } = input;
    const label = candidateLabel(candidate);
    const attempt = await this.db.transaction(async (tx) => {
      const row = await tx.save(AttemptEntity, tx.create(AttemptEntity, { requestId, clusterName, candidateId: candidate.candidateId, outcome: 'running', reason: null }));
      await tx.update(ClusterEntity, { name: clusterName }, { status: ClusterStatus.Provisioning, statusReason: `launching on ${label}` });
      await recordEvent(tx, SOURCE, {
        type: 'attempt.started',
        message: `trying ${label}: ${input.numNodes} × ${candidate.instanceType}${candidate.useSpot ? ' (spot)' : ''}`,
        requestId,
        clusterName,
        data: { candidateId: candidate.candidateId, attemptId: row.id },
      });
      return row;
    });

    let vms: LaunchedVm[];
    try {
      vms = await this.launcher.launch({
        clusterName,
        numNodes: input.numNodes,
        candidate: { ...candidate, zone: candidate.zone || undefined },
        ports: input.ports,
        diskSizeGb: input.diskSizeGb,
        attemptId: attempt.id,
        signal: input.signal,
      });
    } catch (err) {
      const reason = userMessageOf(err);
      const ruledOut = blockedByFailure(candidate, err, input.candidates);
      await this.db.transaction(async (tx) => {
        await tx.update(AttemptEntity, { id: attempt.id }, { outcome: 'failed', reason, endedAt: new Date() });
        await recordEvent(tx, SOURCE, {
          type: 'attempt.failed',
          message: `${label}: ${reason}`,
          requestId,
          clusterName,
          data: { candidateId: candidate.candidateId, blocked: ruledOut.map((b) => b.candidateId) },
        });
      });
      return { kind: 'blocked', blocked: mergeBlocked(input.blocked, ruledOut), reason };
    }

    const summary = failoverSummary(input.candidates, input.blocked, candidate);
    await this.db.transaction(async (tx) => {
      await tx.update(AttemptEntity, { id: attempt.id }, { outcome: 'succeeded', endedAt: new Date() });
      await tx.update(
        ClusterEntity,
        { name: clusterName },
        { status: ClusterStatus.Up, infra: cloudInfra(candidate.provider, candidate.region), instanceType: candidate.instanceType, numNodes: input.numNodes, statusReason: summary },
      );
      await recordEvent(tx, SOURCE, {
        type: 'cluster.up',
        message: `cluster ${clusterName} is up on ${label} (${vms.length} × ${candidate.instanceType}): ${summary}`,
        requestId,
        clusterName,
        data: { candidateId: candidate.candidateId, nodes: vms.map((v) => ({ rank: v.rank, instanceId: v.instanceId, publicIp: v.publicIp, privateIp: v.privateIp })) },
      });
    });
    return { kind: 'up', vms, summary };
  }
}
