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
