// Node's own llhttp (the parser behind node:http), reached as node's http server reaches it:
// `_http_common`'s HTTPParser, initialized strict (no lenient flags, node's defaults), for
// requests or responses. Works on Node 22, 24 and 26 without flags. What a differential needs:
// accepted or the HPE_* code, and the messages completed with their body bytes.

import { llhttpParser, type Callback } from '../../lib/llhttp.js';

const HTTPParser = llhttpParser();

/** What llhttp made of a stream. */
export interface LlhttpOutcome {
  /** The HPE_* code that stopped it, or null. */
  readonly error: string | null;
  readonly messages: number;
  /** Body bytes of each completed message. */
  readonly bodies: Uint8Array[];
}

/** Parses `bytes` in one read; `eof`: then the peer closes (finish()), which ends a close-delimited body. */
export function llhttp(kind: 'request' | 'response', bytes: Uint8Array, eof: boolean): LlhttpOutcome {
  const parser = new HTTPParser();
  parser.initialize(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {});
  const bodies: Uint8Array[] = [];
  let body: Uint8Array[] = [];
  let messages = 0;
  parser[HTTPParser.kOnHeadersComplete] = (() => 0) as Callback;
  parser[HTTPParser.kOnBody] = ((chunk: Uint8Array) => {
    body.push(Buffer.from(chunk));
  }) as Callback;
  parser[HTTPParser.kOnMessageComplete] = (() => {
    bodies.push(Buffer.concat(body));
    body = [];
    messages++;
  }) as Callback;
  let error: string | null = null;
  try {
    let result: number | Error | undefined = parser.execute(bytes);
    if (typeof result !== 'number') error = codeOf(result);
    else if (eof) {
      result = parser.finish();
      if (result !== undefined && typeof result !== 'number') error = codeOf(result);
    }
  } finally {
    parser.close();
  }
  return { error, messages, bodies };
}

function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.message;
}
