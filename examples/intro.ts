// kali's intro demo, on warren/app: a Router whose front page is an iolist, a page that
// fails on every fifth visit to show the error page (with the stack, escaped, in
// development), /add/:a/:b in plain text, and /search?q= whose query is escaped by html``.
//
//   node dist/examples/intro.js [--serve]
//
// Run directly, it serves on 127.0.0.1, visits each page once with warren's client,
// prints what came back and exits; with --serve it keeps serving until Ctrl-C.
// Import `introApp` to serve it elsewhere (a Router is a warren App too).

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from 'warren';
import { Router, html, query, serve, text } from 'warren/app';

/** The intro app: a fresh Router with its own visit counter. */
export function introApp(): Router {
  let visits = 0;
  const app = new Router();

  // A bare body is a 200 text/html page; an array is written as it stands, never joined.
  app.get('/', () => [
    '<!doctype html><title>warren/app intro</title><h1>Hello from warren/app</h1><ul>',
    '<li><a href="/fails">a page that fails every fifth visit</a>',
    '<li><a href="/add/2/3">/add/2/3</a>',
    '<li><a href="/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E">/search?q=&lt;script&gt;</a>',
    '</ul>',
  ]);

  app.get('/fails', () => {
    visits += 1;
    if (visits % 5 === 0) throw new Error(`visit ${visits} fails on purpose, to show the error page`);
    return html`<p>Visit ${visits}: fine. Every fifth visit fails.</p>`;
  });

  app.get('/add/:a/:b', (_session, request) => {
    const { a, b } = request.params;
    const [x, y] = [Number(a), Number(b)];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return text(`${a} and ${b} are not both numbers\n`, 400);
    return text(`${x} + ${y} = ${x + y}\n`);
  });

  // kali passed the query to the handler as keyword arguments; here it is a multi-map.
  app.get('/search', (_session, request) => {
    const q = query(request).get('q') ?? '';
    return html`<!doctype html><title>Search</title><p>You searched for <b>${q}</b>.</p><p><a href="/search?q=${q}">again</a></p>`;
  });
  return app;
}

async function main(args: string[]): Promise<void> {
  const app = await serve(introApp(), { quiet: true, dev: true, onError: () => {} });
  console.log(`intro: serving ${app.url}`);
  const client = new Client(app.address);
  const conn = await client.connect();
  const paths = ['/', '/add/2/3', '/add/x/3', '/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/fails', '/fails', '/fails', '/fails', '/fails', '/nowhere'];
  for (const path of paths) {
    const response = await conn.get(path);
    const body = (await response.body?.text()) ?? '';
    const line = body.includes('<pre>') ? body.slice(0, body.indexOf('<pre>')) : body;
    console.log(`GET ${path} -> ${response.status} ${JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}...` : line)}`);
  }
  conn.close();
  if (args.includes('--serve')) {
    console.log('serving until Ctrl-C');
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
  await app.close();
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
