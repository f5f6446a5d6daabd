{{/*
Task images (values `tasks.*`): the image a Kubernetes task without `image_id` runs in, and the registry
credentials its pods pull with. Only the provisioner gets them: it copies the credentials into each launch's
namespace as an image pull Secret (SKYPORT_REGISTRY_SECRET_NAME) and names it in every pod; a task only ever sees
the Secret's name. The credentials come from a kubernetes.io/dockerconfigjson Secret the operator manages.
*/}}
{{- define "skyport.taskRegistryDir" -}}
/var/run/secrets/skyport/task-registry
{{- end }}

{{- define "skyport.taskImageEnv" -}}
{{- if eq .component "provisioner" }}
{{- with .root.Values.tasks.defaultImage }}
- name: SKYPORT_DEFAULT_IMAGE
  value: {{ . | quote }}
{{- end }}
{{- if .root.Values.tasks.registryAuth.existingSecret }}
- name: SKYPORT_REGISTRY_AUTH_FILE
  value: {{ printf "%s/config.json" (include "skyport.taskRegistryDir" .root) | quote }}
- name: SKYPORT_REGISTRY_SECRET_NAME
  value: {{ .root.Values.tasks.registryAuth.secretName | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "skyport.taskImageVolumes" -}}
{{- if and (eq .component "provisioner") .root.Values.tasks.registryAuth.existingSecret }}
- name: task-registry
  secret:
    secretName: {{ .root.Values.tasks.registryAuth.existingSecret }}
    # 0440: readable by the pod's fsGroup (the services' group), nobody else.
    defaultMode: 288
    items:
      - key: {{ .root.Values.tasks.registryAuth.existingSecretKey }}
        path: config.json
{{- end }}
{{- end }}

{{- define "skyport.taskImageVolumeMounts" -}}
{{- if and (eq .component "provisioner") .root.Values.tasks.registryAuth.existingSecret }}
- name: task-registry
  mountPath: {{ include "skyport.taskRegistryDir" .root }}
  readOnly: true
{{- end }}
{{- end }}
