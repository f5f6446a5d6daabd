/**
 * A `~/.sky/config.yaml` using the keys SkyPilot's config reference documents (sky/utils/schemas.py
 * get_config_schema; docs "Advanced configuration"), with values of the documented forms. Written for the tests:
 * every key here must load in Skyport, the ones Skyport does not act on reported as ignored.
 */
export const SKYPILOT_REFERENCE_CONFIG = `
api_server:
  endpoint: http://127.0.0.1:46580
  service_account_token: sky_0123456789abcdef
  requests_retention_hours: 24
allowed_clouds:
  - aws
  - kubernetes
workspace: default
jobs:
  bucket: s3://my-bucket
  controller:
    resources:
      cpus: 4+
      memory: 8x
      infra: aws/us-east-1
      disk_size: 50
    autostop:
      idle_minutes: 10
      down: false
    high_availability: false
    consolidation_mode: false
serve:
  controller:
    resources:
      cpus: 4+
admin_policy: my_package.SkyPilotPolicyV1
docker:
  run_options:
    - -v /var/run/docker.sock:/var/run/docker.sock
    - --shm-size=2g
nvidia_gpus:
  disable_ecc: false
provision:
  ssh_timeout: 10
  install_conda: false
aws:
  labels:
    map-migrated: my-value
  vpc_name: skypilot-vpc
  use_internal_ips: true
  ssh_proxy_command: ssh -W %h:%p user@host
  security_group_name: my-sg
  disk_encrypted: false
  prioritize_reservations: false
  specific_reservations:
    - cr-a
  remote_identity: LOCAL_CREDENTIALS
  post_provision_runcmd:
    - echo hi
gcp:
  labels:
    team: ml
  vpc_name: project-id/vpc-name
  use_internal_ips: true
  force_enable_external_ips: true
  managed_instance_group:
    run_duration: 3600
  remote_identity: SERVICE_ACCOUNT
  enable_gvnic: false
azure:
  resource_group_vm: rg
  storage_account: sa
kubernetes:
  ports: loadbalancer
  remote_identity: my-k8s-service-account
  allowed_contexts:
    - context-b
    - context-a
  allowed_nodes:
    label_selector:
      pool: gpu
  custom_metadata:
    labels:
      mylabel: myvalue
    annotations:
      myannotation: myvalue
  provision_timeout: 10
  autoscaler: gke
  pricing:
    cpu: 0.04
    memory: 0.005
    accelerators:
      A100: 1.2
  high_availability:
    storage_class_name: premium
  kueue:
    local_queue_name: skypilot-queue
  dws:
    enabled: true
  post_provision_runcmd:
    - echo ready
  set_pod_resource_limits: true
  pod_config:
    metadata:
      labels:
        my-label: my-value
    spec:
      runtimeClassName: nvidia
      containers:
        - env:
            - name: MY_ENV_VAR
              value: my_value
  context_configs:
    context-a:
      ports: nodeport
      networking: portforward
      remote_identity: SERVICE_ACCOUNT
      provision_timeout: 600
      custom_metadata:
        labels:
          ctx: a
    context-b:
      pod_config:
        spec:
          nodeSelector:
            pool: b
ssh:
  allowed_node_pools:
    - my-pool
nebius:
  tenant_id: tenant-1
oci:
  region_configs:
    default:
      compartment_ocid: ocid1.compartment.oc1..x
rbac:
  default_role: admin
logs:
  store: aws
  aws:
    region: us-east-1
daemons:
  skypilot-status-refresh-daemon:
    log_level: INFO
data:
  mount_cached:
    sequential_upload: false
`;
