import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, VALUE_SETS, named, ofKind, parseManifests, renderChart, valuesFile, type KubeManifest } from './support/chart';
import { balanced, definedMetrics, metricNamesIn, selects, unknownMetric } from './support/monitoring';
import { BUILD_TIMEOUT_MS, ensureTools, helm } from './support/tools';

/*
 * The chart's monitoring (values `monitoring.*`: ServiceMonitor, PrometheusRule, Grafana dashboard ConfigMap) and
 * tracing (`tracing.otlpEndpoint`). Rendering and static checks only: the Prometheus Operator's CRDs are not in the
 * shared test cluster (and are not installed into it), so these kinds cannot be dry-run there.
 */

const NS = 'skyport-system';
const SERVICES = ['api', 'optimizer', 'provisioner', 'logs', 'autodown'] as const;
const ALL_ON = ['monitoring.serviceMonitor.enabled=true', 'monitoring.prometheusRule.enabled=true', 'monitoring.grafanaDashboard.enabled=true'];
const MONITORING_KINDS = ['ServiceMonitor', 'PrometheusRule'];

/** The alerts the PrometheusRule must have, with a word of each expression that shows it watches the right thing. */
const ALERTS: Record<string, RegExp> = {
  SkyportRequestsStuck: /max by \(kind\) \(skyport_requests_oldest_active_seconds\{[^}]*\}\) > 900\b/,
  SkyportLaunchesFailing: /skyport_launches_finished_total\{[^}]*outcome="failed"[^}]*\}[\s\S]*\/[\s\S]*skyport_launches_finished_total\{[^}]*\}[\s\S]*> 0\.25[\s\S]*\band\b[\s\S]*>= 5\b/,
  SkyportQueueBacklog: /max by \(queue\) \(skyport_queue_oldest_waiting_seconds\{[^}]*\}\) > 300\b/,
  SkyportReconcilerLagging: /time\(\) - max\(skyport_reconciler_last_success_timestamp_seconds\{[^}]*\}\) > 300\b/,
  SkyportReconcilerAbsent: /^absent\(skyport_reconciler_last_success_timestamp_seconds\{[^}]*\}\)$/,
  SkyportInformerLagging: /max by \(context, resource\) \(skyport_informer_lag_seconds\{[^}]*\}\) > 300\b/,
  SkyportServiceDown: /^up\{[^}]*\} == 0$/,
  SkyportWebhookDeliveriesFailing: /rate\(skyport_webhook_deliveries_total\{[^}]*outcome="failed"[^}]*\}\[15m\]\)\) > 0$/,
};

/** The metrics the dashboard must chart (histograms by their _bucket series). */
const DASHBOARD_METRICS = [
  'skyport_launch_phase_duration_seconds_bucket',
  'skyport_launches_finished_total',
  'skyport_launch_failovers_total',
  'skyport_bursts_total',
  'skyport_queue_jobs',
  'skyport_queue_oldest_waiting_seconds',
  'skyport_queue_job_duration_seconds_bucket',
  'skyport_requests',
  'skyport_requests_oldest_active_seconds',
  'skyport_informer_lag_seconds',
  'skyport_kube_requests_total',
  'skyport_kube_request_duration_seconds_bucket',
  'skyport_grpc_server_handled_total',
  'skyport_execs_total',
  'skyport_streams_active',
  'skyport_log_lines_total',
  'skyport_reconciler_runs_total',
  'skyport_reconciler_redrives_total',
  'skyport_autodown_teardowns_total',
  'skyport_webhook_deliveries_total',
  'skyport_api_request_duration_seconds_bucket',
  'skyport_api_rate_limited_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
];

// Shapes of the rendered objects that the assertions read.
interface Port {
  name: string;
  port?: number;
  targetPort?: string | number;
  containerPort?: number;
}
interface Service extends KubeManifest {
  spec: { selector: Record<string, string>; ports: Port[] };
}
interface Deployment extends KubeManifest {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; ports?: Port[]; env?: { name: string; value?: string }[] }[] } } };
}
interface ServiceMonitor extends KubeManifest {
  spec: {
    namespaceSelector: { matchNames: string[] };
    selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] };
    endpoints: { port: string; path: string; interval?: string; scrapeTimeout?: string }[];
  };
}
interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface PrometheusRule extends KubeManifest {
  spec: { groups: { name: string; rules: AlertRule[] }[] };
}
interface ConfigMap extends KubeManifest {
  data: Record<string, string>;
}
interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string | { query: string }; definition?: string }[] };
}

const dashboardPanels = (d: Dashboard): Panel[] => d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
const dashboardExprs = (d: Dashboard): string[] => {
  const exprs = dashboardPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
  // Template variables' queries read metrics too: label_values(<selector>, <label>).
  for (const v of d.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const m = v.type === 'query' ? /^label_values\((.*),\s*\w+\)$/.exec(q ?? '') : null;
    if (m) exprs.push(m[1]!);
  }
  return exprs;
};
const alertRules = (rule: PrometheusRule): AlertRule[] => rule.spec.groups.flatMap((g) => g.rules);

describe('Helm chart: monitoring (ServiceMonitor, PrometheusRule, Grafana dashboard) and tracing', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  let on: KubeManifest[] = [];
  const allOn = (): KubeManifest[] => (on.length ? on : (on = renderChart({ namespace: NS, valueSets: ['external'], set: ALL_ON })));

  it('off by default: no ServiceMonitor, PrometheusRule or dashboard ConfigMap, and the Services are as without monitoring', () => {
    for (const set of VALUE_SETS) {
      const objects = renderChart({ namespace: NS, valueSets: [set] });
      for (const kind of MONITORING_KINDS) assert.equal(ofKind(objects, kind).length, 0, `${set}: ${kind}`);
      assert.ok(!objects.some((o) => o.apiVersion?.startsWith('monitoring.coreos.com/')), `${set}: nothing of the Prometheus Operator`);
      assert.ok(!ofKind(objects, 'ConfigMap').some((c) => c.metadata?.name === 'skyport-dashboard' || c.metadata?.labels?.grafana_dashboard !== undefined), `${set}: no dashboard ConfigMap`);
      // The workers' Services carry gRPC only, and autodown (no gRPC) has none.
      assert.deepEqual(ofKind(objects, 'Service').filter((s) => s.metadata?.name?.match(/^skyport-(api|optimizer|provisioner|logs|autodown)$/)).map((s) => s.metadata?.name).sort(), ['skyport-api', 'skyport-logs', 'skyport-optimizer', 'skyport-provisioner']);
      for (const svc of ['optimizer', 'provisioner', 'logs']) assert.deepEqual((named(objects, 'Service', `skyport-${svc}`) as Service).spec.ports.map((p) => p.name), ['grpc'], `${set}: ${svc}`);
      assert.deepEqual((named(objects, 'Service', 'skyport-api') as Service).spec.ports.map((p) => p.name), ['http']);
      // Tracing is off: no OTEL_* variable anywhere.
      for (const d of ofKind(objects, 'Deployment') as Deployment[]) {
        for (const c of d.spec.template.spec.containers) assert.ok(!(c.env ?? []).some((e) => e.name.startsWith('OTEL_')), `${set}: ${d.metadata?.name} has no OTEL_ env`);
      }
    }
    // The defaults say so too (the CRDs may not exist), and tracing is off.
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as { monitoring: Record<string, { enabled: boolean }>; tracing: { otlpEndpoint: string } };
    assert.deepEqual(Object.entries(values.monitoring).map(([k, v]) => [k, v.enabled]), [['serviceMonitor', false], ['prometheusRule', false], ['grafanaDashboard', false]]);
    assert.equal(values.tracing.otlpEndpoint, '');
  });

  it('helm lint --strict passes with all of it on', () => {
    for (const set of VALUE_SETS) {
      const r = helm(['lint', CHART_DIR, '--strict', '-f', valuesFile(set), ...ALL_ON.flatMap((s) => ['--set', s]), '--set', 'tracing.otlpEndpoint=http://otel-collector.monitoring:4318']);
      assert.equal(r.status, 0, `helm lint (${set}) failed:\n${r.stdout}\n${r.stderr}`);
    }
  });

  it('the ServiceMonitor selects exactly the five Services, and each has the named port an endpoint scrapes, serving /metrics', () => {
    const objects = allOn();
    const sm = named(objects, 'ServiceMonitor', 'skyport') as ServiceMonitor;
    assert.equal(sm.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(sm.metadata?.namespace, NS);
    assert.deepEqual(sm.spec.namespaceSelector.matchNames, [NS]);
    assert.equal(sm.spec.selector.matchLabels?.['app.kubernetes.io/instance'], 'skyport', 'this release only');
    for (const e of sm.spec.endpoints) {
      assert.equal(e.path, '/metrics');
      assert.equal(e.interval, '30s');
      assert.equal(e.scrapeTimeout, '10s');
    }
    const endpointPorts = new Set(sm.spec.endpoints.map((e) => e.port));
    const services = ofKind(objects, 'Service') as Service[];
    const selected = services.filter((s) => selects(sm.spec.selector, s.metadata?.labels ?? {}));
    assert.deepEqual(selected.map((s) => s.metadata?.name).sort(), SERVICES.map((s) => `skyport-${s}`).sort(), 'the five Services, not the databases');
    for (const svc of SERVICES) {
      const service = named(objects, 'Service', `skyport-${svc}`) as Service;
      const scraped = service.spec.ports.filter((p) => endpointPorts.has(p.name));
      assert.equal(scraped.length, 1, `${svc}: one port of the ServiceMonitor's endpoints (${[...endpointPorts].join(', ')}) among ${service.spec.ports.map((p) => p.name).join(', ')}`);
      const expected = svc === 'api' ? 'http' : 'health';
      assert.equal(scraped[0]!.name, expected, `${svc} serves /metrics on its ${expected} port`);
      // The Service's port leads to the container port that serves /metrics: the pod the Service selects declares
      // it, and for the workers it is SKYPORT_HEALTH_PORT.
      const deployment = named(objects, 'Deployment', `skyport-${svc}`) as Deployment;
      for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(deployment.spec.template.metadata.labels[k], v, `${svc}: the Service selects its pods`);
      const container = deployment.spec.template.spec.containers[0]!;
      const containerPort = container.ports?.find((p) => p.name === scraped[0]!.targetPort);
      assert.ok(containerPort, `${svc}: targetPort ${scraped[0]!.targetPort} is a named container port`);
      if (svc !== 'api') assert.equal(String(containerPort.containerPort), container.env?.find((e) => e.name === 'SKYPORT_HEALTH_PORT')?.value, `${svc}: the health port`);
    }
    // gRPC stays the workers' first port (their clients reach <release>-<service>:<grpcPort>).
    for (const svc of ['optimizer', 'provisioner', 'logs']) assert.deepEqual((named(objects, 'Service', `skyport-${svc}`) as Service).spec.ports.map((p) => p.name), ['grpc', 'health']);
    assert.deepEqual((named(objects, 'Service', 'skyport-autodown') as Service).spec.ports.map((p) => p.name), ['health']);

    // Extra labels (for the Prometheus's serviceMonitorSelector) and intervals come from values.
    const custom = named(
      renderChart({ namespace: NS, valueSets: ['external'], set: ['monitoring.serviceMonitor.enabled=true', 'monitoring.serviceMonitor.labels.release=kube-prometheus-stack', 'monitoring.serviceMonitor.interval=1m', 'monitoring.serviceMonitor.scrapeTimeout=20s'] }),
      'ServiceMonitor',
      'skyport',
    ) as ServiceMonitor;
    assert.equal(custom.metadata?.labels?.release, 'kube-prometheus-stack');
    assert.equal(custom.metadata?.labels?.['app.kubernetes.io/name'], 'skyport');
    assert.ok(custom.spec.endpoints.every((e) => e.interval === '1m' && e.scrapeTimeout === '20s'));
  });

  it('the PrometheusRule has every alert, each with a severity, a summary, a description and a `for`', () => {
    const objects = allOn();
    const rule = named(objects, 'PrometheusRule', 'skyport') as PrometheusRule;
    assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(rule.metadata?.namespace, NS);
    const alerts = new Map(alertRules(rule).filter((r) => r.alert).map((r) => [r.alert!, r]));
    assert.deepEqual([...alerts.keys()].sort(), Object.keys(ALERTS).sort());
    for (const [name, pattern] of Object.entries(ALERTS)) {
      const a = alerts.get(name)!;
      assert.match(a.expr.trim().replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')'), pattern, `${name}: ${a.expr}`);
      assert.ok(balanced(a.expr), `${name}: brackets balance in ${a.expr}`);
      assert.match(a.for ?? '', /^\d+[smh]$/, `${name}: for`);
      assert.ok(['warning', 'critical'].includes(a.labels?.severity ?? ''), `${name}: severity ${a.labels?.severity}`);
      assert.ok((a.annotations?.summary ?? '').length > 10, `${name}: summary`);
      assert.ok((a.annotations?.description ?? '').length > 10, `${name}: description`);
      // Kept to this release: every selector names its namespace.
      for (const m of a.expr.matchAll(/\{([^}]*)\}/g)) assert.match(m[1]!, new RegExp(`namespace="${NS}"`), `${name}: ${m[0]}`);
    }
    assert.equal(alerts.get('SkyportRequestsStuck')!.for, '5m');
    assert.equal(alerts.get('SkyportReconcilerAbsent')!.for, '15m');
    assert.equal(alerts.get('SkyportWebhookDeliveriesFailing')!.for, '15m');
    // Prometheus's own templates reach it unexpanded by Helm.
    assert.match(alerts.get('SkyportRequestsStuck')!.annotations!.description!, /\{\{ \$labels\.kind \}\}/);
    assert.match(alerts.get('SkyportQueueBacklog')!.annotations!.description!, /\{\{ \$labels\.queue \}\}/);

    // SkyportServiceDown matches the jobs the ServiceMonitor makes: the Prometheus Operator names each after its
    // Service (no jobLabel), so every selected Service's name matches, and nothing else of the release does.
    const sm = named(objects, 'ServiceMonitor', 'skyport') as ServiceMonitor;
    assert.equal((sm.spec as { jobLabel?: string }).jobLabel, undefined);
    const jobMatcher = /job=~"([^"]+)"/.exec(alerts.get('SkyportServiceDown')!.expr)?.[1];
    assert.ok(jobMatcher, 'up{} names the jobs');
    const jobs = new RegExp(`^(?:${jobMatcher})$`); // PromQL regexes are anchored
    for (const s of ofKind(objects, 'Service').filter((s) => selects(sm.spec.selector, s.metadata?.labels ?? {}))) assert.match(s.metadata!.name!, jobs);
    for (const other of ['skyport-postgresql', 'skyport-redis', 'other-api', 'skyport-api-x']) assert.doesNotMatch(other, jobs);

    // Thresholds and extra labels come from values.
    const tuned = named(
      renderChart({
        namespace: NS,
        valueSets: ['external'],
        set: [
          'monitoring.prometheusRule.enabled=true',
          'monitoring.prometheusRule.labels.release=kube-prometheus-stack',
          'monitoring.prometheusRule.thresholds.requestStuckSeconds=1800',
          'monitoring.prometheusRule.thresholds.launchFailureRatio=0.5',
          'monitoring.prometheusRule.thresholds.launchFailureMinLaunches=20',
          'monitoring.prometheusRule.thresholds.queueOldestWaitingSeconds=600',
          'monitoring.prometheusRule.thresholds.reconcilerLagSeconds=120',
          'monitoring.prometheusRule.thresholds.informerLagSeconds=60',
          'monitoring.prometheusRule.thresholds.webhookFailuresPerSecond=0.1',
        ],
      }),
      'PrometheusRule',
      'skyport',
    ) as PrometheusRule;
    assert.equal(tuned.metadata?.labels?.release, 'kube-prometheus-stack');
    const expr = new Map(alertRules(tuned).map((r) => [r.alert, r.expr.replace(/\s+/g, ' ')]));
    assert.match(expr.get('SkyportRequestsStuck')!, /> 1800$/);
    assert.match(expr.get('SkyportLaunchesFailing')!, /> 0\.5 and .*>= 20$/);
    assert.match(expr.get('SkyportQueueBacklog')!, /> 600$/);
    assert.match(expr.get('SkyportReconcilerLagging')!, /> 120$/);
    assert.match(expr.get('SkyportInformerLagging')!, /> 60$/);
    assert.match(expr.get('SkyportWebhookDeliveriesFailing')!, /> 0\.1$/);
  });

  it('the dashboard ConfigMap holds the chart file: valid JSON, uid skyport-overview, a prometheus datasource variable, PromQL panels', () => {
    const objects = allOn();
    const cm = named(objects, 'ConfigMap', 'skyport-dashboard') as ConfigMap;
    assert.equal(cm.metadata?.namespace, NS);
    assert.equal(cm.metadata?.labels?.grafana_dashboard, '1');
    const file = readFileSync(join(CHART_DIR, 'dashboards', 'skyport.json'), 'utf8');
    assert.equal(cm.data['skyport.json']?.trim(), file.trim(), 'rendered as it is in the chart (.Files.Get)');
    const d = JSON.parse(cm.data['skyport.json']!) as Dashboard;
    assert.equal(d.uid, 'skyport-overview');
    assert.ok(d.schemaVersion >= 36 && d.schemaVersion <= 41, `schemaVersion ${d.schemaVersion}`);
    const ds = d.templating.list.find((v) => v.name === 'datasource');
    assert.equal(ds?.type, 'datasource');
    assert.equal(ds?.query, 'prometheus');
    const panels = dashboardPanels(d);
    assert.ok(panels.length >= 20, `${panels.length} panels`);
    assert.equal(new Set([...d.panels, ...panels].map((p) => p.id)).size, new Set([...d.panels, ...panels]).size, 'panel ids are unique');
    for (const p of panels) {
      assert.ok(p.targets?.length, `${p.title}: has targets`);
      assert.equal(p.datasource?.uid, '${datasource}', `${p.title}: uses the datasource variable`);
      for (const t of p.targets!) {
        assert.ok(t.expr && balanced(t.expr), `${p.title}: ${t.expr}`);
        assert.equal(t.datasource?.uid, '${datasource}');
      }
    }
    // Panels do not overlap on Grafana's 24-column grid.
    const boxes = d.panels.map((p) => p.gridPos);
    for (const [i, a] of boxes.entries()) {
      assert.ok(a.x >= 0 && a.x + a.w <= 24, `panel ${i} fits the grid`);
      for (const b of boxes.slice(i + 1)) assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, `panels overlap: ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    }
    const used = new Set(dashboardExprs(d).flatMap(metricNamesIn));
    const missing = DASHBOARD_METRICS.filter((m) => !used.has(m));
    assert.deepEqual(missing, [], `the dashboard charts none of ${missing.join(', ')}`);

    // Label and namespace for the Grafana sidecar come from values.
    const elsewhere = named(renderChart({ namespace: NS, valueSets: ['external'], set: ['monitoring.grafanaDashboard.enabled=true', 'monitoring.grafanaDashboard.namespace=monitoring'] }), 'ConfigMap', 'skyport-dashboard');
    assert.equal(elsewhere.metadata?.namespace, 'monitoring');
    const relabelled = helm(['template', 'skyport', CHART_DIR, '-f', valuesFile('external'), '--namespace', NS, '--set', 'monitoring.grafanaDashboard.enabled=true', '--set-string', 'monitoring.grafanaDashboard.labels.dashboards=skyport', '--set', 'monitoring.grafanaDashboard.labels.grafana_dashboard=null', '--show-only', 'templates/grafana-dashboard.yaml']);
    assert.equal(relabelled.status, 0, relabelled.stderr);
    const labels = parseManifests(relabelled.stdout)[0]?.metadata?.labels ?? {};
    assert.equal(labels.dashboards, 'skyport');
    assert.equal(labels.grafana_dashboard, undefined, 'the default label can be dropped');
    assert.equal(labels['app.kubernetes.io/instance'], 'skyport');
  });

  it('every metric the alerts and the dashboard use is one Skyport defines (or Node\'s default metrics, or up)', () => {
    const defined = definedMetrics();
    assert.ok(defined.size >= 25 && [...defined.keys()].every((n) => n.startsWith('skyport_')), `read ${defined.size} metric names`);
    const objects = allOn();
    const uses: { where: string; expr: string }[] = [];
    for (const r of alertRules(named(objects, 'PrometheusRule', 'skyport') as PrometheusRule)) uses.push({ where: `alert ${r.alert ?? r.record}`, expr: r.expr });
    const d = JSON.parse((named(objects, 'ConfigMap', 'skyport-dashboard') as ConfigMap).data['skyport.json']!) as Dashboard;
    for (const expr of dashboardExprs(d)) uses.push({ where: 'dashboard', expr });
    const problems: string[] = [];
    let names = 0;
    for (const { where, expr } of uses) {
      const found = metricNamesIn(expr);
      assert.ok(found.length > 0, `${where}: no metric in ${expr}`);
      names += found.length;
      for (const n of found) {
        const why = unknownMetric(n, defined);
        if (why) problems.push(`${where}: ${why}`);
      }
    }
    assert.ok(names >= 40, `${names} metric references checked`);
    assert.deepEqual([...new Set(problems)], [], [...new Set(problems)].join('\n'));
  });

  it('the metric-name extraction reads PromQL as Prometheus does', () => {
    assert.deepEqual(metricNamesIn('histogram_quantile(0.99, sum by (le, queue) (rate(skyport_queue_job_duration_seconds_bucket{namespace="$namespace"}[$__rate_interval])))'), ['skyport_queue_job_duration_seconds_bucket']);
    assert.deepEqual(metricNamesIn('time() - max(skyport_reconciler_last_success_timestamp_seconds{job=~"a-(b|c)"}) > 300'), ['skyport_reconciler_last_success_timestamp_seconds']);
    assert.deepEqual(metricNamesIn('(sum(rate(a_total{outcome="failed"}[15m])) / sum(rate(a_total[15m]))) > 0.25 and sum(increase(a_total[15m])) >= 5'), ['a_total', 'a_total', 'a_total']);
    assert.deepEqual(metricNamesIn('up{job=~"x"} == 0 unless on (pod) absent(b) offset 5m'), ['up', 'b']);
    assert.equal(unknownMetric('skyport_nope_total', new Map([['skyport_yes_total', 'Counter']])) !== undefined, true);
    assert.equal(unknownMetric('skyport_h_seconds_bucket', new Map([['skyport_h_seconds', 'Histogram']])), undefined);
    assert.notEqual(unknownMetric('skyport_c_total_count', new Map([['skyport_c_total', 'Counter']])), undefined);
  });

  it('tracing.otlpEndpoint gives every Skyport container OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME=skyport-<service>', () => {
    const endpoint = 'http://otel-collector.monitoring:4318';
    for (const set of VALUE_SETS) {
      const objects = renderChart({ namespace: NS, valueSets: [set], set: [`tracing.otlpEndpoint=${endpoint}`] });
      for (const svc of SERVICES) {
        const d = named(objects, 'Deployment', `skyport-${svc}`) as Deployment;
        for (const c of d.spec.template.spec.containers) {
          const env = c.env ?? [];
          assert.deepEqual(env.filter((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT').map((e) => e.value), [endpoint], `${set}: ${svc}`);
          assert.deepEqual(env.filter((e) => e.name === 'OTEL_SERVICE_NAME').map((e) => e.value), [`skyport-${svc}`], `${set}: ${svc}`);
        }
      }
    }
  });

  it('the schema types the new values: wrong ones fail naming the key', () => {
    const refused = (args: string[]): string => {
      const r = helm(['template', 'skyport', CHART_DIR, '-f', valuesFile('external'), ...args]);
      assert.notEqual(r.status, 0, `rendered despite ${args.join(' ')}`);
      assert.match(r.stderr, /values don't meet the specifications of the schema/);
      return r.stderr;
    };
    assert.match(refused(['--set', 'monitoring.serviceMonitor.enabeld=true']), /at '\/monitoring\/serviceMonitor': additional properties 'enabeld' not allowed/);
    assert.match(refused(['--set', 'monitoring.serviceMonitor.interval=soon']), /at '\/monitoring\/serviceMonitor\/interval'/);
    assert.match(refused(['--set', 'monitoring.prometheusRule.thresholds.launchFailureRatio=2']), /at '\/monitoring\/prometheusRule\/thresholds\/launchFailureRatio'/);
    // `--set` passes decimals as strings: those are accepted, other strings are not.
    assert.match(refused(['--set', 'monitoring.prometheusRule.thresholds.launchFailureRatio=1.5']), /at '\/monitoring\/prometheusRule\/thresholds\/launchFailureRatio'/);
    assert.match(refused(['--set', 'monitoring.prometheusRule.thresholds.informerLagSeconds=5m']), /at '\/monitoring\/prometheusRule\/thresholds\/informerLagSeconds'/);
    assert.match(refused(['--set', 'monitoring.prometheusRule.thresholds.requestStuck=60']), /additional properties 'requestStuck' not allowed/);
    assert.match(refused(['--set', 'monitoring.grafanaDashboard.labels.grafana_dashboard=1']), /at '\/monitoring\/grafanaDashboard\/labels\/grafana_dashboard': got number, want string/);
    assert.match(refused(['--set', 'tracing.otlpEndpoint=otel-collector:4318']), /at '\/tracing\/otlpEndpoint'/);
    assert.match(refused(['--set', 'tracing.enabled=true']), /at '\/tracing': additional properties 'enabled' not allowed/);
  });
});
