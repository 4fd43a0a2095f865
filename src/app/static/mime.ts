// Static files, part 2: the media type of a file from its extension (a table, no sniffing),
// with `charset=utf-8` on text types (RFC 9110 §8.3.1; RFC 9239 makes JavaScript
// text/javascript). Served with `X-Content-Type-Options: nosniff`, so a browser takes the
// type as given: an unknown extension is application/octet-stream, a download, never a page.

/** The type of a file whose extension is not in the table (RFC 9110 §8.3: "unknown data"). */
export const UNKNOWN_TYPE = 'application/octet-stream';

/** Extensions (lowercase, no dot) to media types; text types get charset=utf-8 added by typeFor(). */
export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  cjs: 'text/javascript',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  txt: 'text/plain',
  text: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/vnd.microsoft.icon',
  bmp: 'image/bmp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
  zst: 'application/zstd',
});

/** Types that are text without a text/ prefix: they get charset=utf-8 too. */
const TEXT_LIKE = new Set(['application/json', 'application/manifest+json', 'application/xml', 'image/svg+xml']);

/**
 * The Content-Type for the file `name`: by its last extension, looked up lowercase in
 * `types` (the caller's additions, which win) then MIME_TYPES; application/octet-stream
 * when none. Text types (text/*, JSON, XML, SVG) carry `; charset=utf-8`.
 */
export function typeFor(name: string, types?: Readonly<Record<string, string>>): string {
  const dot = name.lastIndexOf('.');
  // A name that is only an extension (".env") is a dotfile, never served; "README" has none.
  if (dot <= 0) return UNKNOWN_TYPE;
  const ext = name.slice(dot + 1).toLowerCase();
  const type = (types !== undefined && Object.hasOwn(types, ext) ? types[ext] : undefined) ?? (Object.hasOwn(MIME_TYPES, ext) ? MIME_TYPES[ext] : undefined);
  if (type === undefined) return UNKNOWN_TYPE;
  if (type.includes(';')) return type;
  return type.startsWith('text/') || TEXT_LIKE.has(type) ? `${type}; charset=utf-8` : type;
}
