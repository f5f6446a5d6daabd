{{/*
Other Kubernetes clusters (values `kubeconfig.*`): a kubeconfig from the user's Secret, mounted read-only into every
service that talks to Kubernetes — provisioner (launches), logs (job output), autodown (idle teardown, reaper) and
api (`skyport ssh`) — with KUBECONFIG pointing at it. @skyport/kube keeps the pod's own cluster as the extra context
`inClusterContext` (the ServiceAccount), so the release's cluster works alongside.
*/}}
{{- define "skyport.kubeconfigServices" -}}
api,provisioner,logs,autodown
{{- end }}

{{- define "skyport.kubeconfigDir" -}}
/var/run/secrets/skyport/kubeconfig
{{- end }}

{{/* Whether component `.component` mounts the kubeconfig: (dict "root" $ "component" "logs") */}}
{{- define "skyport.usesKubeconfig" -}}
{{- if and .root.Values.kubeconfig.existingSecret (has .component (splitList "," (include "skyport.kubeconfigServices" .root))) }}true{{ end }}
{{- end }}

{{/* Fails the render when the allowed contexts are given twice. */}}
{{- define "skyport.validateKubeconfig" -}}
{{- if and .Values.kubeconfig.allowedContexts (hasKey .Values.env "SKYPORT_ALLOWED_CONTEXTS") }}
{{- fail "skyport: set the allowed contexts once: kubeconfig.allowedContexts or env.SKYPORT_ALLOWED_CONTEXTS, not both" }}
{{- end }}
{{- end }}

{{- define "skyport.kubeconfigEnv" -}}
{{- if include "skyport.usesKubeconfig" . }}
- name: KUBECONFIG
  value: {{ printf "%s/config" (include "skyport.kubeconfigDir" .root) | quote }}
{{- end }}
{{- if and (eq .component "autodown") .root.Values.kubeconfig.allowedContexts }}
# The reaper looks in the allowed contexts (by default only the current one).
- name: SKYPORT_REAPER_CONTEXTS
  value: {{ join "," .root.Values.kubeconfig.allowedContexts | quote }}
{{- end }}
{{- end }}

{{- define "skyport.kubeconfigVolumes" -}}
{{- if include "skyport.usesKubeconfig" . }}
- name: kubeconfig
  secret:
    secretName: {{ .root.Values.kubeconfig.existingSecret }}
    # 0440: readable by the pod's fsGroup (the services' group), nobody else; decimal, as YAML parsers differ on 0440.
    defaultMode: 288
    items:
      - key: {{ .root.Values.kubeconfig.existingSecretKey }}
        path: config
{{- end }}
{{- end }}

{{- define "skyport.kubeconfigVolumeMounts" -}}
{{- if include "skyport.usesKubeconfig" . }}
- name: kubeconfig
  mountPath: {{ include "skyport.kubeconfigDir" .root }}
  readOnly: true
{{- end }}
{{- end }}
