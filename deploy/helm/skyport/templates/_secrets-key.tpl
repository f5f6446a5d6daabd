{{/*
Task secrets are sealed at rest with SKYPORT_SECRETS_KEY (32 random bytes, base64): the api seals, the provisioner
opens, the migration job seals rows an older version stored in plaintext. The key lives in a Kubernetes Secret:
yours (secretsKey.existingSecret) or one the chart makes once and keeps (upgrades and uninstall leave it alone).
*/}}
{{- define "skyport.secretsKeySecretName" -}}
{{- .Values.secretsKey.existingSecret | default (printf "%s-secrets-key" (include "skyport.fullname" .)) -}}
{{- end }}

{{- define "skyport.secretsKeyEnv" -}}
{{- $root := .root -}}
{{- if has .component (list "api" "provisioner" "migrate") }}
- name: SKYPORT_SECRETS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "skyport.secretsKeySecretName" $root }}
      key: {{ $root.Values.secretsKey.existingSecretKey | default "secrets-key" }}
      {{- if eq .component "migrate" }}
      # The migration can run as a pre-install hook, before the chart's Secret exists (then there is nothing to seal).
      optional: true
      {{- end }}
{{- end }}
{{- end }}
