// warren: a small, strict, fast HTTP/1.1 server and client for Node.js.
export * from './protocol/index.js';
export * from './server/index.js';
export { Body, ChunkedBody, BodyIter, ChunkedBodyIter, bodies, MAX_READ_BYTES, type Bodies, type Chunk, type IoList, type OutgoingBody, type OutgoingChunk, type LastChunk, type BodySource } from './transport/body.js';
export * from './client/index.js';
export { WarrenError, RequestError, type WarrenErrorCode } from './transport/errors.js';
export type { HeadersInit } from './transport/outgoing.js';
export type { SideChannels } from './transport/channels.js';
export { CONTENT_CODINGS, type ContentCoding } from './transport/codings.js';
export { checkAddress, parseCliAddress, formatCliAddress, describeAddress, type Address } from './transport/address.js';
export { checkListenAddress, REUSE_PORT_PLATFORMS, type ListenAddress, type InheritedSocket } from './transport/listen-address.js';
export type { ServerTlsOptions, ClientTlsOptions } from './transport/tls.js';
export {
  createCA,
  loadCA,
  writePem,
  initPkiDir,
  issueFromDir,
  type CertificateAuthority,
  type IssuedCertificate,
  type IssueOptions,
  type CAOptions,
  type KeyType,
} from './pki/pki.js';
