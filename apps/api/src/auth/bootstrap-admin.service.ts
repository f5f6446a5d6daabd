import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { IdentityService } from './identity.service';

const BOOTSTRAP_LOCK = 7_317_001;

/**
 * At first start (no user yet) creates the `admin` user in team `default` and its token: the operator's chosen
 * SKYPORT_BOOTSTRAP_TOKEN, or a new one that is printed once on stderr and written (mode 0600) to
 * SKYPORT_BOOTSTRAP_TOKEN_FILE. Later starts do nothing. Several replicas starting together make one admin.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SKYPORT_API_AUTH === 'off') {
      this.logger.warn('auth is OFF (SKYPORT_API_AUTH=off): every caller is an admin; use this only for a local throw-away api');
      return;
    }
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
      if ((await this.identity.userCount()) > 0) return;
      await this.db.query(`INSERT INTO teams (name) VALUES ('default') ON CONFLICT DO NOTHING`);
      const admin = await this.identity.createUser({ name: 'admin', role: 'admin', kind: 'user', team: 'default' });
      const created = await this.identity.createToken(admin.id, { name: 'bootstrap' }, this.config.SKYPORT_BOOTSTRAP_TOKEN);
      if (this.config.SKYPORT_BOOTSTRAP_TOKEN) {
        this.logger.info({ user: 'admin', tokenPrefix: created.prefix }, 'bootstrap admin created with the token from SKYPORT_BOOTSTRAP_TOKEN');
        return;
      }
      const file = resolve(this.config.SKYPORT_BOOTSTRAP_TOKEN_FILE);
      let written = false;
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        writeFileSync(file, `${created.token}\n`, { mode: 0o600 });
        chmodSync(file, 0o600);
        written = true;
      } catch (error) {
        this.logger.warn({ file, err: error instanceof Error ? error.message : String(error) }, 'could not write the bootstrap token file');
      }
      // The one time the token is shown: straight to the operator's terminal, not through the structured log.
      process.stderr.write(
        `\nSkyport: first start. Bootstrap admin token (shown once${written ? `; also in ${file}, mode 0600` : ''}):\n\n  ${created.token}\n\n` +
          `Use it with: export SKYPORT_TOKEN=<token>   (or api.token in ~/.skyport/config.yaml)\n\n`,
      );
      this.logger.info({ user: 'admin', tokenPrefix: created.prefix, file: written ? file : undefined }, 'bootstrap admin created');
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }
}
