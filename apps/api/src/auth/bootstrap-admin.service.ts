import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { IdentityService } from './identity.service';
import { chosenBootstrapToken, writeBootstrapToken } from './bootstrap-token';

const BOOTSTRAP_LOCK = 7_317_001;

/**
 * At first start (no user yet) creates the `admin` user in team `default` and its token: the operator's chosen
 * one (SKYPORT_BOOTSTRAP_TOKEN, or an existing SKYPORT_BOOTSTRAP_TOKEN_FILE such as a mounted Secret; never
 * printed), else a new one written (mode 0600) to SKYPORT_BOOTSTRAP_TOKEN_FILE, printed once only when that file
 * cannot be written. Later starts do nothing. Several replicas starting together make one admin.
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
      // Read first: a bad token file must stop the start before an admin exists without a usable token.
      const chosen = chosenBootstrapToken(this.config);
      await this.db.query(`INSERT INTO teams (name) VALUES ('default') ON CONFLICT DO NOTHING`);
      const admin = await this.identity.createUser({ name: 'admin', role: 'admin', kind: 'user', team: 'default' });
      const created = await this.identity.createToken(admin.id, { name: 'bootstrap' }, chosen?.token);
      if (chosen) {
        // The operator has it already (their variable, their file, a mounted Secret): never echo it.
        this.logger.info({ user: 'admin', tokenPrefix: created.prefix, from: chosen.from }, 'bootstrap admin created with the chosen token');
        return;
      }
      const written = writeBootstrapToken(this.config, created.token);
      if (written.error === undefined) {
        // Kept in the file (a volume in a container deployment): nothing secret goes to the output.
        process.stderr.write(`\nSkyport: first start. The bootstrap admin token is in ${written.file} (mode 0600).\n\n`);
        this.logger.info({ user: 'admin', tokenPrefix: created.prefix, file: written.file }, 'bootstrap admin created');
        return;
      }
      this.logger.warn({ file: written.file, err: written.error }, 'could not write the bootstrap token file');
      // The file could not be written, so this is the only copy: straight to the operator's terminal, once, not
      // through the structured log.
      process.stderr.write(
        `\nSkyport: first start. Bootstrap admin token (shown once; ${written.file} could not be written):\n\n  ${created.token}\n\n` +
          `Use it with: skyport api login --token <token>   (or export SKYPORT_TOKEN=<token>)\n\n`,
      );
      this.logger.info({ user: 'admin', tokenPrefix: created.prefix }, 'bootstrap admin created');
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }
}
