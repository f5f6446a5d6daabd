import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '../data-source';
import { SchemaGate } from './schema-gate';

/**
 * The Postgres connection for a service, retried at boot, and the schema gate (a service starts once the database
 * has this version's migrations); inject `DataSource` from typeorm.
 */
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
      providers: [SchemaGate],
      exports: [TypeOrmModule],
    };
  }
}
