{{/*
First login: the bootstrap admin's token lives in a Secret — yours (auth.existingSecret) or one the chart makes
once and keeps. Only the api mounts it (read-only); at its first start, on a database without users, the api
makes the `admin` user with that token (SKYPORT_BOOTSTRAP_TOKEN_FILE) and never prints it.
*/}}
{{- define "skyport.adminTokenSecretName" -}}
{{- .Values.auth.existingSecret | default (printf "%s-admin-token" (include "skyport.fullname" .)) -}}
{{- end }}

{{- define "skyport.adminTokenSecretKey" -}}
{{- .Values.auth.existingSecretKey | default "token" -}}
{{- end }}

{{- define "skyport.adminTokenDir" -}}
/var/run/secrets/skyport/admin-token
{{- end }}

{{- define "skyport.adminTokenEnv" -}}
{{- if eq .component "api" }}
- name: SKYPORT_BOOTSTRAP_TOKEN_FILE
  value: {{ printf "%s/token" (include "skyport.adminTokenDir" .root) | quote }}
{{- end }}
{{- end }}

{{- define "skyport.adminTokenVolumes" -}}
{{- if eq .component "api" }}
- name: admin-token
  secret:
    secretName: {{ include "skyport.adminTokenSecretName" .root }}
    # 0440: readable by the pod's fsGroup (the services' group), nobody else; decimal, as YAML parsers differ on 0440.
    defaultMode: 288
    items:
      - key: {{ include "skyport.adminTokenSecretKey" .root }}
        path: token
{{- end }}
{{- end }}

{{- define "skyport.adminTokenVolumeMounts" -}}
{{- if eq .component "api" }}
- name: admin-token
  mountPath: {{ include "skyport.adminTokenDir" .root }}
  readOnly: true
{{- end }}
{{- end }}

{{/* The shell command that prints the token (NOTES.txt, README). */}}
{{- define "skyport.adminTokenCommand" -}}
kubectl -n {{ .Release.Namespace }} get secret {{ include "skyport.adminTokenSecretName" . }} -o jsonpath='{.data.{{ include "skyport.adminTokenSecretKey" . | replace "." "\\." }}}' | base64 -d
{{- end }}
