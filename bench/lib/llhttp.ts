// Node's own llhttp, driven from JS the way node's http server drives it
// (lib/_http_server.js, lib/_http_common.js): one HTTPParser per connection, initialized
// for requests, callbacks stored on the parser at the kOn* indices, parser.execute(buffer)
// per read. The callbacks here keep only what a check needs; the binding has already made
// the header strings, the URL and (for kOnBody) a copy of the body bytes by then.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A callback stored on a parser at a kOn* index. */
export type Callback = (...args: never[]) => unknown;

/** The native parser's methods a bench or the differential calls. */
export interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  execute(data: Uint8Array): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [index: number]: Callback | null | undefined;
}

/** node's HTTPParser class, as far as warren's benches use it. */
export interface ParserConstructor {
  new (): NativeParser;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
}

interface HttpCommon {
  readonly HTTPParser: ParserConstructor;
  /** llhttp's method names, indexed by the number kOnHeadersComplete passes. */
  readonly methods: readonly string[];
}

function load(): HttpCommon {
  let common: Partial<HttpCommon>;
  try {
    common = require('_http_common') as Partial<HttpCommon>;
  } catch (error) {
    throw new Error(`cannot load node's _http_common (node ${process.version}): ${String(error)}`);
  }
  const P = common.HTTPParser;
  if (typeof P !== 'function' || !Array.isArray(common.methods)) {
    throw new Error(`node ${process.version}: _http_common no longer exports HTTPParser and methods`);
  }
  for (const key of ['REQUEST', 'RESPONSE', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete'] as const) {
    if (typeof P[key] !== 'number') throw new Error(`node ${process.version}: HTTPParser.${key} is not a number`);
  }
  return common as HttpCommon;
}

let loaded: HttpCommon | null = null;

/** Loaded on first use, so that a node without it fails where the bench reports errors. */
function http(): HttpCommon {
  return (loaded ??= load());
}

/** node's HTTPParser constructor, loaded and checked on first use. */
export function llhttpParser(): ParserConstructor {
  return http().HTTPParser;
}

/** One llhttp request parser and the tallies its callbacks keep. */
export class LlhttpRequestParser {
  readonly #parser: NativeParser;
  /** Field lines of the last head (name/value pairs). */
  fieldCount = 0;
  /** Method index of the last head; see methodName. */
  method = -1;
  url = '';
  versionMinor = -1;
  keepAlive = false;
  /** Body bytes of all messages so far, and the body pieces (only when collecting). */
  bodyBytes = 0;
  bodyPieces: Uint8Array[] | null = null;
  /** Completed messages so far. */
  messages = 0;
  /** Heads completed so far. */
  heads = 0;

  constructor() {
    const { HTTPParser } = http();
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {});
    // More than 32 field lines, or a head split across reads: the binding hands them over early.
    let pending = 0;
    let pendingUrl = '';
    parser[HTTPParser.kOnHeaders] = ((headers: string[], url: string): void => {
      pending += headers.length >> 1;
      pendingUrl += url;
    }) as Callback;
    parser[HTTPParser.kOnHeadersComplete] = ((
      versionMajor: number,
      versionMinor: number,
      headers: string[] | undefined,
      method: number,
      url: string | undefined,
      _statusCode: number,
      _statusMessage: string,
      _upgrade: boolean,
      shouldKeepAlive: boolean,
    ): number => {
      this.fieldCount = pending + (headers === undefined ? 0 : headers.length >> 1);
      this.url = url === undefined ? pendingUrl : url;
      pending = 0;
      pendingUrl = '';
      this.method = method;
      this.versionMinor = versionMajor === 1 ? versionMinor : -1;
      this.keepAlive = shouldKeepAlive;
      this.heads++;
      return 0; // 0: the message may have a body (1 would skip it, as for a response to HEAD)
    }) as Callback;
    parser[HTTPParser.kOnBody] = ((chunk: Uint8Array): void => {
      this.bodyBytes += chunk.length;
      if (this.bodyPieces !== null) this.bodyPieces.push(chunk);
    }) as Callback;
    parser[HTTPParser.kOnMessageComplete] = ((): void => {
      this.messages++;
    }) as Callback;
    this.#parser = parser;
  }

  get methodName(): string | undefined {
    return http().methods[this.method];
  }

  /** Parses one read; throws what llhttp reports as an error. */
  execute(bytes: Uint8Array): void {
    const result = this.#parser.execute(bytes);
    if (typeof result !== 'number') throw result;
  }

  close(): void {
    this.#parser.close();
  }
}
