{{/*
The five Skyport services. Each entry: its values, entry point, the ports it serves, and whether it talks to
Kubernetes (only those pods get a service account token mounted). The api does, for one thing only: the exec
streams of `skyport ssh`, with a ServiceAccount and Role of its own (pods list, pods/exec).
*/}}
{{- define "skyport.components" -}}
api:
  main: apps/api/dist/main.js
  kube: true
  httpPort: {{ .Values.api.port }}
optimizer:
  main: apps/optimizer/dist/main.js
  kube: false
  grpcPort: {{ .Values.optimizer.grpcPort }}
  grpcEnv: SKYPORT_OPTIMIZER_GRPC
  healthPort: {{ .Values.optimizer.healthPort }}
provisioner:
  main: apps/provisioner/dist/main.js
  kube: true
  grpcPort: {{ .Values.provisioner.grpcPort }}
  grpcEnv: SKYPORT_PROVISIONER_GRPC
  healthPort: {{ .Values.provisioner.healthPort }}
logs:
  main: apps/logs/dist/main.js
  kube: true
  grpcPort: {{ .Values.logs.grpcPort }}
  grpcEnv: SKYPORT_LOGS_GRPC
  healthPort: {{ .Values.logs.healthPort }}
autodown:
  main: apps/autodown/dist/main.js
  kube: true
  healthPort: {{ .Values.autodown.healthPort }}
{{- end }}
