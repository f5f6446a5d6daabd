{{/*
Monitoring (values `monitoring.*`, all off by default: the Prometheus Operator's CRDs may not exist) and tracing
(`tracing.*`). Every Skyport service serves Prometheus metrics at /metrics: the api on its HTTP port (Service port
`http`), the workers (optimizer, provisioner, logs, autodown) on their health port (Service port `health`, added to
their Services only while the ServiceMonitor is on; autodown gets a Service only then).
*/}}

{{/* True (non-empty) when the workers' Services carry the `health` port: the ServiceMonitor scrapes it. */}}
{{- define "skyport.metricsServices" -}}
{{- if .Values.monitoring.serviceMonitor.enabled }}true{{ end }}
{{- end }}

{{/* The Skyport components, sorted, as a PromQL alternation: api|autodown|logs|optimizer|provisioner. */}}
{{- define "skyport.componentAlternation" -}}
{{- include "skyport.components" . | fromYaml | keys | sortAlpha | join "|" }}
{{- end }}

{{/*
The Prometheus job names of this release's services. The ServiceMonitor leaves `jobLabel` unset, so the Prometheus
Operator names each job after the Service it scraped: <fullname>-<component>.
*/}}
{{- define "skyport.metricsJobRegex" -}}
{{- printf "%s-(%s)" (include "skyport.fullname" .) (include "skyport.componentAlternation" .) }}
{{- end }}

{{/* PromQL label matchers for this release's series: its namespace and its jobs. */}}
{{- define "skyport.metricsSelector" -}}
{{- printf "namespace=%q,job=~%q" .Release.Namespace (include "skyport.metricsJobRegex" .) }}
{{- end }}

{{/* Tracing: OTLP/HTTP endpoint and service name for one component, (dict "root" $ "component" "api"). */}}
{{- define "skyport.tracingEnv" -}}
{{- with .root.Values.tracing.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "skyport-%s" $.component | quote }}
{{- end }}
{{- end }}
