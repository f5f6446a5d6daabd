import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, ErrorCode, SkyportError, TERMINAL_CLUSTER_STATUSES } from '@skyport/contracts';
import { notifyClusterActivity, recordEvent } from '@skyport/persistence';
import { Caller, type Principal } from '../auth/principal';
import { findAccessibleCluster } from '../clusters/cluster-access';
import { readAutostopBody } from './autostop-body';

/** What SkyPilot does without `--down` (stop) does not exist on Kubernetes; the answer says so. */
export const NO_STOP_ON_KUBERNETES =
  'Kubernetes clusters cannot be stopped: when autostop triggers, the cluster is torn down (as with --down); its pods and their disks are deleted.';

export interface AutostopResult {
  clusterName: string;
  autostop: { idleMinutes: number; down: boolean } | null;
  note?: string;
}

/** `skyport autostop NAME -i N [--down]` (`-i -1` / `--cancel`: off). The idle window starts again now. */
@Controller('v1/clusters/:name/autostop')
export class AutostopController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Post()
  @HttpCode(200)
  async set(@Caller() caller: Principal, @Param('name') name: string, @Body() raw: unknown): Promise<AutostopResult> {
    const body = readAutostopBody(raw);
    const cluster = await findAccessibleCluster(this.db, caller, name);
    if (TERMINAL_CLUSTER_STATUSES.has(cluster.status) || cluster.status === ClusterStatus.TearingDown) {
      throw new SkyportError(ErrorCode.Conflict, `cluster '${name}' is ${cluster.status}; autostop applies to clusters that are launching or UP`, { status: cluster.status });
    }
    const off = body.idleMinutes < 0;
    const result: AutostopResult = { clusterName: name, autostop: off ? null : { idleMinutes: body.idleMinutes, down: body.down } };
    // Without --down a cloud VM cluster is stopped (SkyPilot's default); a Kubernetes one cannot be, and is torn down.
    const tornDown = body.down || (cluster.infra ?? '').startsWith('kubernetes/');
    if (!off && !body.down && tornDown) result.note = NO_STOP_ON_KUBERNETES;
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE clusters SET autostop_minutes = $2, autostop_down = $3, last_activity_at = now(), updated_at = now() WHERE name = $1`, [
        name,
        off ? null : body.idleMinutes,
        off ? false : body.down,
      ]);
      await recordEvent(tx, 'api', {
        type: 'cluster.autostop',
        message: off
          ? `autostop of cluster '${name}' turned off by ${caller.name}`
          : `cluster '${name}' will ${tornDown ? 'be torn down' : 'stop'} after ${body.idleMinutes} idle minute(s) (set by ${caller.name})${result.note ? `; ${result.note}` : ''}`,
        clusterName: name,
        data: { idleMinutes: off ? null : body.idleMinutes, down: body.down },
      });
      await notifyClusterActivity(tx, name);
    });
    return result;
  }
}
