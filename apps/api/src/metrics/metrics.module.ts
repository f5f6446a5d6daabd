import { Module } from '@nestjs/common';
import { MetricsSourceService } from './metrics-source.service';

/** The scrape-time gauges of the whole system (queue depths, requests in flight), exported by the lease holder. */
@Module({ providers: [MetricsSourceService] })
export class MetricsModule {}
