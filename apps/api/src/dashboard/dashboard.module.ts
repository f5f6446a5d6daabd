import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultDashboardDir, serveDashboard } from './dashboard-files';

/**
 * Serves the web dashboard (apps/dashboard, built by Vite) under /ui. The page itself is public — it holds no
 * secrets and every call it makes carries the user's token — so this middleware answers before the auth,
 * audit and rate-limit middleware: Nest mounts a global module's middleware ahead of the root module's.
 */
@Global()
@Module({})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    const dir = defaultDashboardDir();
    consumer
      .apply((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        if (!serveDashboard(dir, req, res)) next();
      })
      .forRoutes('*');
  }
}
