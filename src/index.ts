// warren: a small, strict, fast HTTP/1.1 server and client for Node.js.
export * from './protocol/index.js';
