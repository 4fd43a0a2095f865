// form(): reads a request's body as a form, the one file here that does I/O. It pulls the
// body in pieces (warren's backpressure: nothing is read before the parser wants it),
// feeds urlencoded or multipart parsers, and streams each file to a temp file (random name,
// mode 0o600, opened with O_EXCL) or to the handler's sink; never a whole file in memory.
// On any failure every temp file is removed, sinks are aborted, and the rest of the body
// is left unread: the server drains it up to its bound or closes the connection.

import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Body, ChunkedBody, ServerRequest } from '../../index.js';
import { HttpError } from '../errors.js';
import { describe } from '../html.js';
import { resolveLimits, type FormLimits } from './limits.js';
import { FormFiles, FormValues, type UploadedFile } from './values.js';
import { parseUrlencoded } from './urlencoded.js';
import { malformed, overLimit } from './errors.js';
import { MultipartParser } from '../multipart/parser.js';
import { boundaryOf, parseMediaType } from '../multipart/params.js';
import type { PartHeader } from '../multipart/part-head.js';

/** The most form() asks of the body at once (Node's default highWaterMark for files; busboy's writes are this size). */
export const READ_PIECE_BYTES = 64 * 1024;

/** A file part as it starts, given to an onFile sink. */
export interface FilePart {
  readonly name: string;
  readonly filename: string;
  readonly contentType: string;
  readonly headers: readonly PartHeader[];
}

/** Where onFile sends a file's bytes: each write is awaited before more of the body is read. */
export interface FileSink {
  write(bytes: Uint8Array): void | Promise<void>;
  /** The file is complete. */
  close?(): void | Promise<void>;
  /** The form failed: drop what was written. */
  abort?(reason: unknown): void | Promise<void>;
}

/** What onFile may give: a FileSink, a WritableStream of bytes, or a function called with each piece (and awaited). */
export type FileTarget = FileSink | WritableStream<Uint8Array> | ((bytes: Uint8Array) => void | Promise<void>);

/** How form() reads: the limits, and where files go. */
export interface FormOptions extends Partial<FormLimits> {
  /** Where temp files are made (default os.tmpdir()). */
  readonly tmpDir?: string;
  /** Takes each file instead of a temp file: a FileSink or a WritableStream of bytes. The bytes are a view: copy them to keep them past write(). */
  readonly onFile?: (part: FilePart) => FileTarget | Promise<FileTarget>;
}

/** What form() read. Files on disk stay until cleanup(): call it when the handler is done (in a finally). */
export interface FormBody {
  readonly fields: FormValues;
  readonly files: FormFiles;
  /** Removes the temp files; safe to call more than once. */
  cleanup(): Promise<void>;
}

/** What form() reads: a warren ServerRequest, or anything with its headers and body. */
export type FormRequest = Pick<ServerRequest, 'headers' | 'body'>;

const NO_FILES = Object.freeze({ cleanup: async (): Promise<void> => {} });

/**
 * Reads the request's urlencoded or multipart/form-data body (RFC 7578). Throws an HttpError:
 * 415 for another content type, 400 for a malformed form, 413 over a limit.
 */
export async function form(request: FormRequest, options: FormOptions = {}): Promise<FormBody> {
  const limits = resolveLimits(options);
  const contentType: string | undefined = request.headers['content-type'];
  const body = request.body;
  if (body !== null && body.done) throw new TypeError('form(request) reads the request body, and this one was already read: call form() once and keep its result');
  const media = contentType === undefined ? null : parseMediaType(contentType);
  const type = media?.type;
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
    if (body === null && contentType === undefined) return { fields: new FormValues(), files: new FormFiles(), ...NO_FILES };
    throw new HttpError(415, 'unsupported-form-type', `a form is application/x-www-form-urlencoded or multipart/form-data; this request's Content-Type is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}`);
  }
  if (body !== null && body.length !== null && body.length > limits.maxBytes) {
    throw overLimit('form-too-large', 'maxBytes', limits.maxBytes, `the form of ${body.length} bytes`);
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { fields: parseUrlencoded(await readAll(body, limits.maxBytes), limits), files: new FormFiles(), ...NO_FILES };
  }
  return readMultipart(body, boundaryOf(contentType!), limits, options);
}

async function readAll(body: Body | ChunkedBody | null, max: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const piece = await body.read(READ_PIECE_BYTES);
    if (piece.length === 0) break;
    total += piece.length;
    if (total > max) throw overLimit('form-too-large', 'maxBytes', max, `the form of more than ${max} bytes`);
    pieces.push(piece.slice());
  }
  return Buffer.concat(pieces, total);
}

/** A file being written: to a temp file or a sink. */
interface Writing {
  readonly part: FilePart;
  size: number;
  path: string | null;
  handle: FileHandle | null;
  sink: FileSink | null;
}

async function readMultipart(body: Body | ChunkedBody | null, boundary: string, limits: FormLimits, options: FormOptions): Promise<FormBody> {
  const parser = new MultipartParser(boundary, limits);
  const fields: [string, string][] = [];
  const files: [string, UploadedFile][] = [];
  const paths: string[] = [];
  const cleanup = async (): Promise<void> => {
    const gone = paths.splice(0);
    await Promise.all(gone.map((path) => rm(path, { force: true })));
  };
  let field: { name: string; pieces: Uint8Array[]; size: number } | null = null;
  let writing: Writing | null = null;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    for (;;) {
      const event = parser.next();
      if (event === 'need-data') {
        const piece = body === null ? new Uint8Array(0) : await body.read(READ_PIECE_BYTES);
        if (piece.length === 0) parser.end();
        else parser.receive(piece);
        continue;
      }
      if (event.type === 'done') break;
      if (event.type === 'part-start') {
        if (event.filename === null) field = { name: event.name, pieces: [], size: 0 };
        else writing = { part: { name: event.name, filename: event.filename, contentType: event.contentType, headers: event.headers }, size: 0, path: null, handle: null, sink: null };
      } else if (event.type === 'data') {
        if (field !== null) {
          // Copied: the piece's memory may be reused once the next piece is read.
          field.pieces.push(event.bytes.slice());
          field.size += event.bytes.length;
        } else if (writing !== null) {
          if (writing.handle === null && writing.sink === null) await startFile(writing, options, paths);
          writing.size += event.bytes.length;
          if (writing.sink !== null) await writing.sink.write(event.bytes);
          else await writeAll(writing.handle!, event.bytes);
        }
      } else if (field !== null) {
        let value: string;
        try {
          value = decoder.decode(Buffer.concat(field.pieces, field.size));
        } catch {
          throw malformed('bad-utf8', `the field ${JSON.stringify(field.name)} is not UTF-8: send the form from a page in UTF-8`);
        }
        fields.push([field.name, value]);
        field = null;
      } else if (writing !== null) {
        const done = writing;
        writing = null;
        // An empty filename with no bytes is a file input left empty (HTML's "no file chosen").
        if (done.part.filename === '' && done.size === 0) continue;
        if (done.handle === null && done.sink === null) await startFile(done, options, paths);
        if (done.handle !== null) await done.handle.close();
        if (done.sink?.close !== undefined) await done.sink.close();
        done.handle = null;
        files.push([done.part.name, Object.freeze({ name: done.part.name, filename: done.part.filename, contentType: done.part.contentType, size: done.size, path: done.path })]);
      }
    }
  } catch (error) {
    if (writing !== null) {
      await writing.handle?.close().catch(() => {});
      await Promise.resolve(writing.sink?.abort?.(error)).catch(() => {});
    }
    await cleanup();
    // The server's own maxBodyBytes, met while reading, is a 413 as ours is.
    if (!(error instanceof HttpError) && (error as { code?: unknown } | null)?.code === 'body-too-large') {
      throw new HttpError(413, 'form-too-large', (error as Error).message, { cause: error });
    }
    throw error;
  }
  return { fields: new FormValues(fields), files: new FormFiles(files), cleanup };
}

async function startFile(writing: Writing, options: FormOptions, paths: string[]): Promise<void> {
  if (options.onFile !== undefined) {
    const target = await options.onFile(writing.part);
    if (typeof target === 'function') writing.sink = { write: target };
    else if (isWritableStream(target)) writing.sink = streamSink(target);
    else if (typeof (target as FileSink | null)?.write === 'function') writing.sink = target;
    else throw new TypeError(`onFile(part) returns a FileSink ({ write, close?, abort? }), a WritableStream or a function of the bytes; got ${describe(target)}`);
    return;
  }
  const path = join(options.tmpDir ?? tmpdir(), `warren-form-${randomUUID()}`);
  paths.push(path);
  writing.path = path;
  writing.handle = await open(path, 'wx', 0o600);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at);
    at += bytesWritten;
  }
}

function isWritableStream(value: unknown): value is WritableStream<Uint8Array> {
  return typeof (value as WritableStream | null)?.getWriter === 'function';
}

function streamSink(stream: WritableStream<Uint8Array>): FileSink {
  const writer = stream.getWriter();
  return {
    // A copy: a stream may hold the bytes past write()'s promise, and the piece will be reused.
    write: (bytes) => writer.write(bytes.slice()),
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  };
}
