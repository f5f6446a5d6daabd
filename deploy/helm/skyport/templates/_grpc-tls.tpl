{{/*
mTLS between the services' gRPC (values `grpcTls.*`). Every service that serves or calls gRPC (api, optimizer,
provisioner, logs) mounts its own Secret read-only: ca.crt, tls.crt and tls.key, the certificate naming the
service as `<service>.skyport.internal` (its identity: e.g. only the api may call Logs.Tail). autodown makes no
gRPC call and gets nothing.
*/}}
{{- define "skyport.grpcTlsServices" -}}
api,optimizer,provisioner,logs
{{- end }}

{{/* The Secret of one component: (dict "root" $ "component" "logs") */}}
{{- define "skyport.grpcTlsSecretName" -}}
{{- if .root.Values.grpcTls.existingSecretPrefix }}
{{- printf "%s-%s" .root.Values.grpcTls.existingSecretPrefix .component }}
{{- else }}
{{- printf "%s-grpc-%s" (include "skyport.fullname" .root) .component }}
{{- end }}
{{- end }}

{{- define "skyport.usesGrpcTls" -}}
{{- if has .component (splitList "," (include "skyport.grpcTlsServices" .root)) }}true{{ end }}
{{- end }}

{{- define "skyport.grpcTlsEnv" -}}
{{- if include "skyport.usesGrpcTls" . }}
{{- $dir := .root.Values.grpcTls.mountPath }}
- name: SKYPORT_GRPC_TLS_CA
  value: {{ printf "%s/ca.crt" $dir | quote }}
- name: SKYPORT_GRPC_TLS_CERT
  value: {{ printf "%s/tls.crt" $dir | quote }}
- name: SKYPORT_GRPC_TLS_KEY
  value: {{ printf "%s/tls.key" $dir | quote }}
{{- end }}
{{- end }}

{{- define "skyport.grpcTlsVolumes" -}}
{{- if include "skyport.usesGrpcTls" . }}
- name: grpc-tls
  secret:
    secretName: {{ include "skyport.grpcTlsSecretName" . }}
    # 0440: readable by the pod's fsGroup (the services' group), nobody else; decimal, as YAML parsers differ on 0440.
    defaultMode: 288
    items:
      - key: ca.crt
        path: ca.crt
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
{{- end }}
{{- end }}

{{- define "skyport.grpcTlsVolumeMounts" -}}
{{- if include "skyport.usesGrpcTls" . }}
- name: grpc-tls
  mountPath: {{ .root.Values.grpcTls.mountPath }}
  readOnly: true
{{- end }}
{{- end }}
