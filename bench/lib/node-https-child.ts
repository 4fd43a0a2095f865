// Child process: a node:https server with mutual TLS for bench/tls-rtt.ts.
//   node node-https-child.js CERT KEY CA
import { nodeHttps } from './tls-apps.js';
const [cert, key, ca] = process.argv.slice(2);
if (cert === undefined || key === undefined || ca === undefined) {
  console.error('usage: node-https-child.js CERT KEY CA (started by bench/tls-rtt.js)');
  process.exit(2);
}
nodeHttps(cert, key, ca);
