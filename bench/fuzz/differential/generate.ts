// Messages for the differential: a valid request or response (no body, Content-Length or
// chunked; pipelined by two now and then), then up to three mutations drawn from a grammar of
// the edges that smuggling and Node's CVEs came from: whitespace forms around names, values
// and framing values; duplicate and list-valued Content-Length and Transfer-Encoding; empty
// list members; chunk-size forms; obs-fold; bare CR and LF; every byte 0x00-0xFF in names and
// values. Seeded (mulberry32), so a count and a seed name one batch exactly.

/** A seeded generator of 32-bit floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Message {
  start: string;
  fields: [name: string, value: string][];
  /** Raw field-line text inserted as is (obs-fold, bare line ends). */
  extra: string;
  chunks: string[] | null;
  body: string;
  lastChunk: string;
  eol: string;
}

/** One generated case: its bytes, the role that reads it, and the mutations applied. */
export interface Case {
  readonly kind: 'request' | 'response';
  readonly text: string;
  readonly mutations: readonly string[];
}

const WS = [' ', '\t', '\xa0', '\x0b', '\x0c', '\r', '\n', '\0'];

export function generator(seed: number): () => Case {
  const r = prng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const anyByte = (): string => String.fromCharCode(int(256));
  const ws = (): string => (r() < 0.7 ? pick(WS) : anyByte());

  function base(kind: 'request' | 'response'): Message {
    const bodyText = 'abcdefghij'.slice(0, int(11));
    const framing = pick(['none', 'length', 'chunked'] as const);
    const start = kind === 'request' ? `${pick(['GET', 'POST', 'PUT'])} /p HTTP/1.1` : `HTTP/1.1 ${pick(['200', '200', '404'])} OK`;
    const fields: [string, string][] = kind === 'request' ? [['Host', 'h']] : [];
    if (r() < 0.5) fields.push(['X-A', 'b']);
    const m: Message = { start, fields, extra: '', chunks: null, body: '', lastChunk: '0', eol: '\r\n' };
    if (framing === 'length' || (kind === 'response' && framing === 'none')) {
      fields.push(['Content-Length', String(bodyText.length)]);
      m.body = bodyText;
    } else if (framing === 'chunked') {
      fields.push(['Transfer-Encoding', 'chunked']);
      m.chunks = bodyText.length === 0 ? [] : [bodyText.slice(0, 3), bodyText.slice(3)].filter((c) => c !== '');
    }
    return m;
  }

  const framingField = (m: Message, name: string): number => m.fields.findIndex(([n]) => n.toLowerCase() === name);

  const MUTATIONS: Record<string, (m: Message) => void> = {
    'ws-around-value': (m) => {
      if (m.fields.length === 0) return;
      const f = m.fields[int(m.fields.length)]!;
      f[1] = (r() < 0.5 ? ws() : '') + f[1] + (r() < 0.5 ? ws() : '');
    },
    'ws-around-name': (m) => {
      if (m.fields.length === 0) return;
      const f = m.fields[int(m.fields.length)]!;
      f[0] = r() < 0.5 ? ws() + f[0] : f[0] + ws();
    },
    'byte-in-name': (m) => {
      if (m.fields.length === 0) return;
      const f = m.fields[int(m.fields.length)]!;
      const at = int(f[0].length + 1);
      f[0] = f[0].slice(0, at) + anyByte() + f[0].slice(at);
    },
    'byte-in-value': (m) => {
      if (m.fields.length === 0) return;
      const f = m.fields[int(m.fields.length)]!;
      const at = int(f[1].length + 1);
      f[1] = f[1].slice(0, at) + anyByte() + f[1].slice(at);
    },
    'content-length-form': (m) => {
      const i = framingField(m, 'content-length');
      const n = m.body.length;
      const forms = [`${n}, ${n}`, `${n},${n}`, `${n},`, `,${n}`, `+${n}`, `0${n}`, `-${n}`, `0x${n}`, `${n} ${n}`, '', '99999999999999999999', `${n}, ${n + 1}`, `${n}${ws()}`];
      if (i === -1) m.fields.push(['Content-Length', pick(forms)]);
      else m.fields[i]![1] = pick(forms);
    },
    'content-length-duplicate': (m) => {
      const n = m.body.length;
      m.fields.push(['Content-Length', pick([String(n), String(n + 1), '0'])]);
    },
    'transfer-encoding-form': (m) => {
      const i = framingField(m, 'transfer-encoding');
      const forms = ['Chunked', 'CHUNKED', 'chunked, chunked', 'gzip, chunked', 'chunked, gzip', 'identity, chunked', ', chunked', 'chunked,', 'chunked ,', 'xchunked', 'chunked\x0b', ' chunked', 'chunked;q=1', ''];
      if (i === -1) {
        m.fields.push(['Transfer-Encoding', pick(forms)]);
        if (m.chunks === null) m.chunks = m.body === '' ? [] : [m.body];
      } else m.fields[i]![1] = pick(forms);
    },
    'transfer-encoding-duplicate': (m) => {
      m.fields.push(['Transfer-Encoding', pick(['chunked', 'gzip', 'identity', ''])]);
    },
    'both-length-and-chunked': (m) => {
      m.fields.push(framingField(m, 'content-length') === -1 ? ['Content-Length', String(int(5))] : ['Transfer-Encoding', 'chunked']);
    },
    'chunk-size-form': (m) => {
      if (m.chunks === null) return;
      m.lastChunk = pick(['0', '00', '000000', '0;a=b', '0 ', '0\t', '0;', '0;a="b"', '0x0', '-0', 'fffffffffffffffff', '0' + ws()]);
    },
    'chunk-extension': (m) => {
      if (m.chunks === null || m.chunks.length === 0) return;
      const ext = pick([';a', ';a=b', ';a="b c"', ' ;a', ';a=' + anyByte(), ';' + ws(), '\t;a', ';a=b;c', ';"x"']);
      m.chunks[0] = '\u0000EXT' + ext + '\u0000' + m.chunks[0];
    },
    'chunk-size-leading-zeros': (m) => {
      if (m.chunks === null || m.chunks.length === 0) return;
      m.chunks[0] = '\u0000PAD' + pick(['0', '00', '000000000000000000']) + '\u0000' + m.chunks[0];
    },
    'obs-fold': (m) => {
      m.extra += `X-F: a\r\n${pick([' ', '\t'])}b\r\n`;
    },
    'bare-line-end': (m) => {
      m.eol = pick(['\n', '\r', '\r\r\n', '\n\r']);
    },
    'bare-lf-in-extra': (m) => {
      m.extra += `X-L: a${pick(['\n', '\r', '\rb'])}\r\n`;
    },
    'version-form': (m) => {
      const forms = ['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1', 'HTTP/1.01', 'HTTP/01.1', 'HTTP/1', 'HTTP/9.9'];
      m.start = m.start.startsWith('HTTP/') ? m.start.replace('HTTP/1.1', pick(forms)) : m.start.replace('HTTP/1.1', pick(forms));
    },
    'start-line-space': (m) => {
      m.start = m.start.replace(' ', pick(['  ', '\t', ' \xa0', '\x0b']));
    },
    'no-host': (m) => {
      const i = framingField(m, 'host');
      if (i !== -1) m.fields.splice(i, 1);
    },
    'duplicate-host': (m) => {
      if (m.start.startsWith('HTTP/')) return;
      m.fields.push(['Host', pick(['h', 'i', ''])]);
    },
    'empty-list-member': (m) => {
      m.fields.push(['Connection', pick([', keep-alive', 'keep-alive,', ',,', ', ,close'])]);
    },
  };
  const names = Object.keys(MUTATIONS);

  function render(m: Message): string {
    const e = m.eol;
    let text = m.start + e + m.fields.map(([n, v]) => `${n}:${v.startsWith(' ') || v === '' ? '' : ' '}${v}${e}`).join('') + m.extra + e;
    if (m.chunks === null) return text + m.body;
    for (const chunk of m.chunks) {
      // A chunk may carry a marked prefix (leading zeros) and extension, placed around its size.
      let data = chunk;
      let pad = '';
      let ext = '';
      for (;;) {
        const mark = /^\u0000(EXT|PAD)([^\u0000]*)\u0000/.exec(data);
        if (mark === null) break;
        if (mark[1] === 'EXT') ext = mark[2]!;
        else pad = mark[2]!;
        data = data.slice(mark[0].length);
      }
      text += `${pad}${data.length.toString(16)}${ext}\r\n${data}\r\n`;
    }
    return text + `${m.lastChunk}\r\n\r\n`;
  }

  return () => {
    const kind = r() < 0.7 ? 'request' : 'response';
    const count = kind === 'request' && r() < 0.25 ? 2 : 1;
    const mutations: string[] = [];
    let text = '';
    for (let k = 0; k < count; k++) {
      const m = base(kind);
      const n = k === 0 ? int(4) : int(2);
      for (let i = 0; i < n; i++) {
        const name = pick(names);
        MUTATIONS[name]!(m);
        mutations.push(name);
      }
      text += render(m);
    }
    return { kind, text, mutations };
  };
}
