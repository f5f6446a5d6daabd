{{/*
Cloud bursting (values `cloud.*`). The provisioner launches the VMs and logs in with Skyport's SSH key; the logs
service (job output) and the api (`skyport ssh`) reach the same VMs with the same key. So exactly those three
get the key Secret, mounted read-only at SKYPORT_CLOUD_KEY_DIR. Only the provisioner calls EC2 and gets the AWS
credentials. SKYPORT_CLOUD_PROVIDERS goes into the shared ConfigMap: the optimizer plans cloud candidates from it.
*/}}
{{- define "skyport.cloudServices" -}}
{{- if .Values.cloud.enabled }}api,provisioner,logs{{ end }}
{{- end }}

{{/* Whether component `.component` mounts the key: (dict "root" $ "component" "logs") */}}
{{- define "skyport.usesCloudKey" -}}
{{- if has .component (splitList "," (include "skyport.cloudServices" .root)) }}true{{ end }}
{{- end }}

{{/* Fails the render with an actionable message when cloud bursting is on but cannot work. */}}
{{- define "skyport.validateCloud" -}}
{{- with .Values.cloud }}
{{- if .enabled }}
{{- if not .sshKey.existingSecret }}
{{- fail "skyport: cloud.enabled needs cloud.sshKey.existingSecret: a Secret with id_ed25519 and id_ed25519.pub (ssh-keygen -t ed25519 -N '' -f id_ed25519 -C skyport; kubectl create secret generic skyport-cloud-ssh --from-file=id_ed25519 --from-file=id_ed25519.pub)" }}
{{- end }}
{{- if not (regexMatch "^/" .keyDir) }}
{{- fail "skyport: cloud.keyDir must be an absolute path (e.g. /var/lib/skyport/cloud-keys)" }}
{{- end }}
{{- range .providers }}
{{- if ne . "aws" }}
{{- fail (printf "skyport: cloud.providers: only aws can launch VMs, got '%s'" .) }}
{{- end }}
{{- end }}
{{- range $region, $ami := .aws.imageIds }}
{{- if not (regexMatch "^ami-[0-9a-z]+$" $ami) }}
{{- fail (printf "skyport: cloud.aws.imageIds.%s must be an AMI id (ami-...), got '%s'" $region $ami) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Environment of one component for cloud bursting: (dict "root" $ "component" "provisioner") */}}
{{- define "skyport.cloudEnv" -}}
{{- $cloud := .root.Values.cloud }}
{{- if include "skyport.usesCloudKey" . }}
- name: SKYPORT_CLOUD_KEY_DIR
  value: {{ $cloud.keyDir | quote }}
{{- end }}
{{- if and $cloud.enabled (eq .component "provisioner") }}
- name: SKYPORT_AWS_SSH_USER
  value: {{ $cloud.aws.sshUser | quote }}
{{- with $cloud.aws.imageIds }}
- name: SKYPORT_AWS_IMAGE_IDS
  value: {{ include "skyport.awsImageIds" . | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* `region=ami-...` pairs, comma-separated, from the cloud.aws.imageIds map. */}}
{{- define "skyport.awsImageIds" -}}
{{- $pairs := list }}
{{- range $region, $ami := . }}
{{- $pairs = append $pairs (printf "%s=%s" $region $ami) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/* The provisioner's AWS credentials, as environment from the user's Secret (the SDK's default chain reads them). */}}
{{- define "skyport.cloudEnvFrom" -}}
{{- if and .root.Values.cloud.enabled (eq .component "provisioner") .root.Values.cloud.aws.credentialsSecret }}
- secretRef:
    name: {{ .root.Values.cloud.aws.credentialsSecret }}
{{- end }}
{{- end }}

{{- define "skyport.cloudVolumes" -}}
{{- if include "skyport.usesCloudKey" . }}
- name: cloud-ssh-key
  secret:
    secretName: {{ .root.Values.cloud.sshKey.existingSecret }}
    # 0440: readable by the pod's fsGroup (the services' group), nobody else; decimal, as YAML parsers differ on 0440.
    defaultMode: 288
    items:
      - key: id_ed25519
        path: id_ed25519
      - key: id_ed25519.pub
        path: id_ed25519.pub
{{- end }}
{{- end }}

{{- define "skyport.cloudVolumeMounts" -}}
{{- if include "skyport.usesCloudKey" . }}
- name: cloud-ssh-key
  mountPath: {{ .root.Values.cloud.keyDir }}
  readOnly: true
{{- end }}
{{- end }}
