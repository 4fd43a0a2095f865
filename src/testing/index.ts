// warren/testing: helpers for tests and benchmarks of warren apps.
export { TempServer, type InProcessSpec, type TempServerSpec, type TempServerExit, type TempServerOptions, type JsonValue } from './temp-server.js';
export { TempPKI, type TempCredentials, type TempServerNames, type TempPKIOptions } from './temp-pki.js';
// The app behind `warren echo`: it answers each request with JSON saying what the server parsed.
export { echoApp, type EchoReport, type EchoChunk, type EchoTls } from '../cli/echo.js';
