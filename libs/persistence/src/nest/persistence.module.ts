import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '../data-source';

/** The Postgres connection for a service, retried at boot; inject `DataSource` from typeorm. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(url: string, applicationName: string): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(url, { extra: { max: 20, connectionTimeoutMillis: 5_000, application_name: `skyport-${applicationName}` } }),
          retryAttempts: 60,
          retryDelay: 1_000,
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
