/** Injection tokens provided by ServiceKitModule. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');
