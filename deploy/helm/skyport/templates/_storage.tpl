{{/*
Buckets (values `storage.s3.*`). Only the provisioner reads and writes buckets, so only it gets the S3 keys, from the
Secret the operator names (never from values). The other settings, and the allow-list the api checks too, are in
the shared ConfigMap.
*/}}
{{- define "skyport.storageEnv" -}}
{{- $creds := .root.Values.storage.s3.credentials }}
{{- if and (eq .component "provisioner") $creds.existingSecret }}
- name: SKYPORT_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $creds.existingSecret }}
      key: {{ $creds.accessKeyIdKey }}
- name: SKYPORT_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $creds.existingSecret }}
      key: {{ $creds.secretAccessKeyKey }}
{{- end }}
{{- end }}

{{/* The namespaces whose pods the S3 mount driver serves: its own list, else the chart's task namespaces. */}}
{{- define "skyport.mountDriverTaskNamespaces" -}}
{{- with .Values.storage.s3.mountDriver.taskNamespaces }}
{{- join "," (uniq .) }}
{{- else }}
{{- include "skyport.taskNamespaces" . }}
{{- end }}
{{- end }}

{{/* The driver mounts with the operator's keys from a Secret: no SDK chain or workload identity on the nodes. */}}
{{- define "skyport.validateMountDriver" -}}
{{- if not .Values.storage.s3.credentials.existingSecret }}
{{- fail "skyport: storage.s3.mountDriver.enabled needs storage.s3.credentials.existingSecret (a Secret with the S3 keys the driver mounts buckets with on every node)" }}
{{- end }}
{{- end }}
