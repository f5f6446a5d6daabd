import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cloud VMs of burst clusters (provisioner). */
export class CloudInstances1795854165117 implements MigrationInterface {
  name = 'CloudInstances1795854165117';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "cloud_instances" ("provider" text NOT NULL, "region" text NOT NULL, "instance_id" text NOT NULL, "cluster_name" text NOT NULL, "node_rank" integer NOT NULL, "zone" text, "instance_type" text NOT NULL, "use_spot" boolean NOT NULL DEFAULT false, "state" text NOT NULL, "public_ip" text, "private_ip" text, "ssh_user" text NOT NULL, "host_key_fingerprint" text, "launched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "terminated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cloud_instances" PRIMARY KEY ("provider", "region", "instance_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "cloud_instances_cluster" ON "cloud_instances" ("cluster_name")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "cloud_instances"`);
  }
}
