/** The api's version, as reported by `/v1/info` and the OpenAPI document. */
export const API_VERSION = '0.1.0';
