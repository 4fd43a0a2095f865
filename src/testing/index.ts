// warren/testing: helpers for tests and benchmarks of warren apps.
export { TempServer, type InProcessSpec, type TempServerSpec, type TempServerExit, type TempServerOptions, type JsonValue } from './temp-server.js';
export { TempPKI, type TempCredentials, type TempServerNames, type TempPKIOptions } from './temp-pki.js';
