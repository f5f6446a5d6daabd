import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { StoredJson } from './stored-json';

/** An optimizer plan: every candidate considered, in failover order. Owned by the optimizer. */
@Entity({ name: 'plans' })
@Index('plans_request', ['requestId'])
export class PlanEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ name: 'cluster_name', type: 'text' })
  clusterName!: string;

  @Column({ type: 'jsonb' })
  plan!: StoredJson['plans.plan'];

  @Column({ name: 'chosen_index', type: 'integer' })
  chosenIndex!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
