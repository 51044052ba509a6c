/**
 * One error shape for every failure the API answers: `{ error: { code, message } }` with the code's
 * HTTP status. SightlineErrors keep their code and message; schema failures name each bad field;
 * framework failures (bad JSON, too large, wrong media type, bad URL) get fixed messages that never
 * echo the request; anything else is a 500 with a generic message, logged with its stack.
 */
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SightlineError, type ErrorCode } from '../core/errors.ts';
import type { ApiApp } from './fastify-types.ts';

/**
 * A code the API answers with: one of src/core/errors.ts, or one of the two it still lacks
 * (INTERNAL_ERROR for 500, MEDIA_TYPE_UNSUPPORTED for 415).
 */
export type ApiErrorCode = ErrorCode | 'INTERNAL_ERROR' | 'MEDIA_TYPE_UNSUPPORTED';

/** The body of every error response. */
export interface ApiErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string };
}

/** An error body. */
export function errorBody(code: ApiErrorCode, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/** An error the API answers with a code that src/core/errors.ts does not list yet (see {@link ApiErrorCode}). */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;

  constructor(code: ApiErrorCode, status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

interface Classified {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly message: string;
}

/** Fixed messages of framework errors, so that no parser message (which may quote the body) reaches a response. */
const FRAMEWORK_MESSAGES: Readonly<Record<string, Classified>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'REQUEST_INVALID', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'REQUEST_INVALID', message: 'the body is empty but content-type says JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'REQUEST_INVALID', message: 'the body does not match its content-length' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the body is larger than the server accepts' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'MEDIA_TYPE_UNSUPPORTED', message: 'the body must be JSON (content-type: application/json)' },
  FST_ERR_BAD_URL: { status: 400, code: 'REQUEST_INVALID', message: 'the URL is malformed' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'REQUEST_INVALID', message: 'a path parameter is too long' },
  FST_ERR_NOT_FOUND: { status: 404, code: 'NOT_FOUND', message: 'no such route' },
};

const INTERNAL: Classified = { status: 500, code: 'INTERNAL_ERROR', message: 'the server failed to answer this request; the server log has the details' };

interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
}

function validationMessage(error: FastifyError & { validation?: readonly ValidationIssue[]; validationContext?: string }): string {
  const where = error.validationContext ?? 'request';
  const issues = (error.validation ?? []).slice(0, 20).map((issue) => {
    const path = (issue.instancePath ?? '').split('/').filter((p) => p !== '').join('.');
    return `${path === '' ? where : `${where}.${path}`}: ${issue.message ?? 'invalid'}`;
  });
  return issues.length > 0 ? issues.join('; ') : `the ${where} does not match the schema`;
}

/** How an error is answered. */
export function classifyError(error: unknown): Classified {
  if (error instanceof SightlineError || error instanceof ApiError) return { status: error.status, code: error.code, message: error.message };
  if (typeof error !== 'object' || error === null) return INTERNAL;
  const e = error as FastifyError & { validation?: readonly ValidationIssue[] };
  if (Array.isArray(e.validation)) return { status: 400, code: 'REQUEST_INVALID', message: validationMessage(e) };
  const known = typeof e.code === 'string' ? FRAMEWORK_MESSAGES[e.code] : undefined;
  if (known !== undefined) return known;
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 413) return FRAMEWORK_MESSAGES.FST_ERR_CTP_BODY_TOO_LARGE!;
  if (status === 415) return FRAMEWORK_MESSAGES.FST_ERR_CTP_INVALID_MEDIA_TYPE!;
  if (status === 404) return FRAMEWORK_MESSAGES.FST_ERR_NOT_FOUND!;
  // Other client errors of the framework or its parsers: a fixed message, since theirs may quote the input.
  if (status >= 400 && status < 500) return { status, code: 'REQUEST_INVALID', message: 'the request is malformed' };
  return INTERNAL;
}

/**
 * The security headers helmet sends (as configured in app.ts), for the answers that helmet never
 * sees: framework errors raised before the hooks and errors of Node's HTTP parser.
 */
export function securityHeaders(https: boolean): Readonly<Record<string, string>> {
  return {
    'content-security-policy': "default-src 'self';media-src 'self' blob:;base-uri 'self';form-action 'self';frame-ancestors 'none';object-src 'none'",
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...(https && { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }),
    'cache-control': 'no-store',
  };
}

/** Sets the security headers a reply lacks (those helmet set already stay). */
export function addSecurityHeaders(reply: FastifyReply, https: boolean): void {
  for (const [name, value] of Object.entries(securityHeaders(https))) if (!reply.hasHeader(name)) void reply.header(name, value);
}

/** Statuses and messages of the errors of Node's HTTP parser, by code; others are 400. */
const PARSER_ERRORS: Readonly<Record<string, Classified>> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'REQUEST_INVALID', message: 'the request line or headers are larger than the server accepts' },
  HPE_INVALID_HEADER_TOKEN: { status: 400, code: 'REQUEST_INVALID', message: 'a header has a character that headers may not hold' },
  HPE_INVALID_URL: { status: 400, code: 'REQUEST_INVALID', message: 'the URL is malformed' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_INVALID', message: 'the request took too long to arrive' },
};

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Answers an error of Node's HTTP parser (the server's `clientError`: headers too large, bad header
 * characters, a malformed request line) in the API's shape with the security headers, then closes
 * the connection. Quiet for a connection that is already gone.
 */
export function writeClientError(error: Error & { code?: string }, socket: Duplex, https: boolean): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const c = PARSER_ERRORS[error.code ?? ''] ?? { status: 400, code: 'REQUEST_INVALID', message: 'the request is malformed' };
  const body = JSON.stringify(errorBody(c.code, c.message));
  const headers = { ...securityHeaders(https), 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${c.status} ${STATUS_TEXT[c.status] ?? 'Bad Request'}\r\n${head}\r\n${body}`);
}

/** Answers an error in the API's shape, logging server errors with their stack (never sent). */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const c = classifyError(error);
  if (c.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: c.code, status: c.status }, 'request refused');
  // Set here too because framework errors (a malformed URL) skip the hooks that set them otherwise.
  addSecurityHeaders(reply, false);
  return reply.code(c.status).type('application/json; charset=utf-8').send(errorBody(c.code, c.message));
}

/** Installs the error handler and the not-found handler. */
export function installErrorHandling(app: ApiApp): void {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).type('application/json; charset=utf-8').send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`));
  });
}
