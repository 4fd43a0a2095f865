// The protocol demo (node dist/examples/protocol-demo.js): the protocol core on its own, no sockets. A client-role
// connection writes a chunked upload with extensions and trailers; a server-role
// connection reads it back event by event and answers; the client reads the answer.

import { Connection, type ReceivedEvent } from 'warren/protocol';

const latin1 = (data: Uint8Array | Uint8Array[]): string => Buffer.concat(Array.isArray(data) ? data : [data]).toString('latin1');
const show = (event: ReceivedEvent): string => {
  switch (event.type) {
    case 'request':
      return `request ${event.method} ${event.target} HTTP/${event.version} ${JSON.stringify(event.fields.raw())}`;
    case 'informational':
    case 'response':
      return `${event.type} ${event.status} ${event.reason} ${JSON.stringify(event.fields.raw())}`;
    case 'data':
      return `data ${JSON.stringify(latin1(event.data))} extensions=${JSON.stringify(event.extensions)}`;
    case 'end-of-message':
      return `end-of-message extensions=${JSON.stringify(event.extensions)} trailers=${JSON.stringify(event.trailers?.raw() ?? null)}`;
    case 'connection-closed':
      return 'connection-closed';
  }
};

const client = new Connection('client');
const server = new Connection('server');

const wire = [
  ...client.send({ type: 'request', method: 'POST', target: '/upload', fields: [['Host', 'demo'], ['Transfer-Encoding', 'chunked']] }),
  ...client.send({ type: 'data', data: Buffer.from('hello, '), extensions: [['part', '1'], ['note', 'a "quoted" value']] }),
  ...client.send({ type: 'data', data: Buffer.from('world'), extensions: [['part', '2']] }),
  ...client.send({ type: 'end-of-message', extensions: [['final', null]], trailers: [['Digest', 'sha-256=abc']] }),
];
console.log('--- client wrote');
console.log(latin1(wire));

console.log('--- server read');
server.receive(Buffer.concat(wire));
for (let event = server.nextEvent(); typeof event === 'object'; event = server.nextEvent()) console.log(show(event));

const answer = [
  ...server.send({ type: 'response', status: 200, fields: [['Content-Type', 'text/plain'], ['Content-Length', '2']] }),
  ...server.send({ type: 'data', data: Buffer.from('ok') }),
  ...server.send({ type: 'end-of-message' }),
];
console.log('--- server wrote');
console.log(latin1(answer));

console.log('--- client read');
client.receive(Buffer.concat(answer));
for (let event = client.nextEvent(); typeof event === 'object'; event = client.nextEvent()) console.log(show(event));

console.log('--- and a header-injection attempt is refused:');
try {
  new Connection('server').send({ type: 'response', status: 200, fields: [['Location', '/a\r\nSet-Cookie: evil=1']] });
} catch (error) {
  console.log(`${(error as Error).name} ${(error as { code: string }).code}: ${(error as Error).message}`);
}
