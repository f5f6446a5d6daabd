{{/* Names and labels. */}}
{{- define "skyport.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "skyport.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "skyport.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "skyport.labels" -}}
helm.sh/chart: {{ include "skyport.chart" . }}
{{ include "skyport.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "skyport.selectorLabels" -}}
app.kubernetes.io/name: {{ include "skyport.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component: (dict "root" $ "component" "api") */}}
{{- define "skyport.componentLabels" -}}
{{ include "skyport.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "skyport.componentSelector" -}}
{{ include "skyport.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "skyport.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "skyport.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The api's own ServiceAccount: it talks to Kubernetes only to open `skyport ssh` exec streams. */}}
{{- define "skyport.apiServiceAccountName" -}}
{{- if .Values.api.serviceAccount.create }}
{{- default (printf "%s-api" (include "skyport.fullname" .)) .Values.api.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.api.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "skyport.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The namespaces that get Skyport's Role: rbac.taskNamespaces, or the release namespace. */}}
{{- define "skyport.taskNamespaces" -}}
{{- $list := .Values.rbac.taskNamespaces | default (list .Release.Namespace) }}
{{- join "," (uniq $list) }}
{{- end }}

{{/* Where the database and Redis URLs come from: (secret name, key) pairs. */}}
{{- define "skyport.databaseSecretName" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.existingSecret }}
{{- .Values.externalDatabase.existingSecret }}
{{- else }}
{{- include "skyport.fullname" . }}
{{- end }}
{{- end }}

{{- define "skyport.databaseSecretKey" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.existingSecret }}
{{- .Values.externalDatabase.existingSecretKey }}
{{- else -}}
database-url
{{- end }}
{{- end }}

{{- define "skyport.redisSecretName" -}}
{{- if and (not .Values.redis.enabled) .Values.externalRedis.existingSecret }}
{{- .Values.externalRedis.existingSecret }}
{{- else }}
{{- include "skyport.fullname" . }}
{{- end }}
{{- end }}

{{- define "skyport.redisSecretKey" -}}
{{- if and (not .Values.redis.enabled) .Values.externalRedis.existingSecret }}
{{- .Values.externalRedis.existingSecretKey }}
{{- else -}}
redis-url
{{- end }}
{{- end }}

{{/* Fails the render with an actionable message when no database or Redis is configured. */}}
{{- define "skyport.validate" -}}
{{- if not (or .Values.postgresql.enabled .Values.externalDatabase.url .Values.externalDatabase.existingSecret) }}
{{- fail "skyport: no database configured. Set externalDatabase.url (postgres://user:password@host:5432/skyport) or externalDatabase.existingSecret, or postgresql.enabled=true for a trial." }}
{{- end }}
{{- if not (or .Values.redis.enabled .Values.externalRedis.url .Values.externalRedis.existingSecret) }}
{{- fail "skyport: no Redis configured. Set externalRedis.url (redis://:password@host:6379/0) or externalRedis.existingSecret, or redis.enabled=true for a trial." }}
{{- end }}
{{- with .Values.externalDatabase.url }}
{{- if not (regexMatch "^postgres(ql)?://" .) }}
{{- fail "skyport: externalDatabase.url must look like postgres://user:password@host:5432/skyport" }}
{{- end }}
{{- end }}
{{- with .Values.externalRedis.url }}
{{- if not (regexMatch "^rediss?://" .) }}
{{- fail "skyport: externalRedis.url must look like redis://:password@host:6379/0" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Environment shared by every service: URLs from the Secret; the rest comes from the ConfigMap. */}}
{{- define "skyport.commonEnv" -}}
- name: SKYPORT_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "skyport.databaseSecretName" . }}
      key: {{ include "skyport.databaseSecretKey" . }}
- name: SKYPORT_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "skyport.redisSecretName" . }}
      key: {{ include "skyport.redisSecretKey" . }}
{{- end }}

{{/* Volumes every service pod has: a writable /tmp (the root filesystem is read-only) and the config file. */}}
{{- define "skyport.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- if .Values.configFile }}
- name: config
  configMap:
    name: {{ include "skyport.fullname" . }}-config
{{- end }}
{{- end }}

{{- define "skyport.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.configFile }}
- name: config
  mountPath: /etc/skyport
  readOnly: true
{{- end }}
{{- end }}

{{/* Pod annotations that roll the pods when their configuration changes. */}}
{{- define "skyport.configChecksum" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret: {{ toJson (list .Values.externalDatabase .Values.externalRedis .Values.postgresql.enabled .Values.redis.enabled) | sha256sum }}
{{- end }}
