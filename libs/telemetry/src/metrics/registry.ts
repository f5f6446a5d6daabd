import { collectDefaultMetrics, Registry } from 'prom-client';

/** Process-wide Prometheus registry: every Skyport metric of this process, and Node's own (heap, event loop, GC). */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/**
 * The registry's metric of that name, made on first use. Metrics are created lazily so a service exports only
 * what it observes (a scrape of the logs service shows no launch histograms), and a module loaded twice in one
 * test process does not register a name twice.
 */
export function lazyMetric<T>(name: string, make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= (metricsRegistry.getSingleMetric(name) as T | undefined) ?? make());
}
