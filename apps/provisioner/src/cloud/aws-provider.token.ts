/** The provisioner's AwsProvider (null when SKYPORT_CLOUD_PROVIDERS has no `aws`). */
export const AWS_PROVIDER = Symbol('AWS_PROVIDER');
