// Hello, world: the smallest warren app, after Degu's example. GET /example answers
// 'hello, world'; another method on /example is 405; any other path is 404.
//
//   node dist/examples/hello.js [ADDRESS] [--serve]
//
// ADDRESS is in the command-line form (127.0.0.1:8080, [::1]:8080, /tmp/app.sock, @name);
// the default is 127.0.0.1 on a free port. Run directly, it serves, sends itself three
// requests with node's http client, prints the answers and exits; with --serve it then
// keeps serving until Ctrl-C. Import `helloApp` to serve it elsewhere.

import { realpathSync } from 'node:fs';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Server, describeAddress, parseCliAddress, type Address, type App, type AppResponse } from 'warren';

export const helloApp: App = (_session, request): AppResponse => {
  if (request.path.length !== 1 || request.path[0] !== 'example') return { status: 404 };
  if (request.method !== 'GET') return { status: 405, headers: { Allow: 'GET' } };
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'hello, world' };
};

/** Where node's http client should connect for a warren Address. */
export function httpTarget(address: Address): RequestOptions {
  if (typeof address === 'string') return { socketPath: address };
  const [host, port] = address;
  if (address.length === 4 && address[3] !== 0) return { host: `${host}%${address[3]}`, port, family: 6 };
  return { host, port };
}

function get(address: Address, method: string, path: string): Promise<{ status: number; reason: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...httpTarget(address), method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(args: string[]): Promise<void> {
  const serve = args.includes('--serve');
  const given = args.filter((arg) => arg !== '--serve');
  let address: Address = ['127.0.0.1', 0];
  if (given.length > 0) {
    try {
      address = parseCliAddress(given[0]!);
    } catch (error) {
      console.error((error as Error).message);
      process.exit(2);
    }
  }
  const server = await new Server(address, helloApp).listen();
  console.log(`hello: listening on ${describeAddress(server.address)}`);
  for (const [method, path] of [['GET', '/example'], ['PUT', '/example'], ['GET', '/other']] as const) {
    const { status, reason, body } = await get(server.address, method, path);
    console.log(`${method} ${path} -> ${status} ${reason} ${JSON.stringify(body)}`);
  }
  if (serve) {
    const interrupted = new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log('serving until Ctrl-C');
    await interrupted;
  }
  await server.close();
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
