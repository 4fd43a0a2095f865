// The limits a form is read under, each a named default with the precedent it follows.
// Every limit is a hard stop: going over answers 413 and nothing of the form is kept
// (busboy and multer truncate and emit an event instead; we do not). Sizes are bytes as
// sent: a urlencoded name counts its %XX escapes, a multipart value its raw bytes.

/** The whole body (warren's maxBodyBytes default and Degu's MAX_IO_SIZE: 16 MiB; nginx client_max_body_size is 1 MiB). */
export const MAX_FORM_BYTES = 16 * 1024 * 1024;
/** One uploaded file (the whole body by default; PHP upload_max_filesize is 2 MiB, Go's ParseMultipartForm keeps 32 MiB in memory). */
export const MAX_FILE_BYTES = MAX_FORM_BYTES;
/** Parts of a multipart body (Go's multipartmaxparts: 1000; PHP max_multipart_body_parts: max_input_vars + max_file_uploads). */
export const MAX_PARTS = 1000;
/** Fields that are not files (PHP max_input_vars: 1000; qs parameterLimit: 1000). */
export const MAX_FIELDS = 1000;
/** Files in one form (PHP max_file_uploads: 20). */
export const MAX_FILES = 20;
/** One field's value (busboy and multer fieldSize: 1 MiB). */
export const MAX_FIELD_BYTES = 1024 * 1024;
/** One field or file name (multer fieldNameSize: 100 bytes; we allow 256 for long generated names). */
export const MAX_NAME_BYTES = 256;
/** The header section of one part (busboy's hard-coded 16 KiB; Go's multipart reader allows 10000 header lines per form). */
export const MAX_PART_HEADER_BYTES = 16 * 1024;

/** What form() and the parsers accept; each is a byte count or a count of items. */
export interface FormLimits {
  /** The whole body, in bytes. Default MAX_FORM_BYTES. */
  readonly maxBytes: number;
  /** One file, in bytes. Default MAX_FILE_BYTES. */
  readonly maxFileBytes: number;
  /** Parts of a multipart body. Default MAX_PARTS. */
  readonly maxParts: number;
  /** Fields (urlencoded pairs, or multipart parts without a filename). Default MAX_FIELDS. */
  readonly maxFields: number;
  /** Files. Default MAX_FILES. */
  readonly maxFiles: number;
  /** One field's value, in bytes. Default MAX_FIELD_BYTES. */
  readonly maxFieldBytes: number;
  /** One field or file name, in bytes. Default MAX_NAME_BYTES. */
  readonly maxNameBytes: number;
  /** The header section of one part, in bytes, line ends included. Default MAX_PART_HEADER_BYTES. */
  readonly maxHeaderBytes: number;
}

/** The defaults, frozen. */
export const DEFAULT_FORM_LIMITS: FormLimits = Object.freeze({
  maxBytes: MAX_FORM_BYTES,
  maxFileBytes: MAX_FILE_BYTES,
  maxParts: MAX_PARTS,
  maxFields: MAX_FIELDS,
  maxFiles: MAX_FILES,
  maxFieldBytes: MAX_FIELD_BYTES,
  maxNameBytes: MAX_NAME_BYTES,
  maxHeaderBytes: MAX_PART_HEADER_BYTES,
});

const NAMES = Object.keys(DEFAULT_FORM_LIMITS) as (keyof FormLimits)[];

/** The defaults with `given` over them; a value that is not a non-negative integer throws a TypeError; other keys are ignored. */
export function resolveLimits(given: Partial<FormLimits> | undefined, base: FormLimits = DEFAULT_FORM_LIMITS): FormLimits {
  if (given === undefined) return base;
  const out: Record<string, number> = { ...base };
  for (const [name, value] of Object.entries(given)) {
    if (!(NAMES as string[]).includes(name)) continue; // other options (tmpDir, onFile) travel in the same object
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`the form limit ${name} takes a non-negative integer, got ${typeof value} ${String(value)}`);
    }
    out[name] = value;
  }
  return Object.freeze(out) as unknown as FormLimits;
}
