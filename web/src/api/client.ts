/**
 * The browser's client of the Sightline API: same-origin fetch with the session cookie, the CSRF
 * token on every state change, every answer parsed with the response schema its route declares,
 * and one error type carrying the server's code and message (or `RESPONSE_INVALID` when an answer
 * does not have the declared shape).
 */
import type { z } from 'zod';
import type { ResponseName } from './checks.ts';
import type { AnswerOf, Endpoint } from './endpoints.ts';
import { loadChecks } from './load-checks.ts';

/** An API failure: the HTTP status and the server's stable code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The code of an answer that is not JSON or does not match its endpoint's schema. */
export const RESPONSE_INVALID = 'RESPONSE_INVALID';

/** The names of the `:name` parameters of a path. */
export type PathParams<P extends string> = P extends `${string}:${infer N}/${infer Rest}` ? N | PathParams<`/${Rest}`> : P extends `${string}:${infer N}` ? N : never;

/** A query string's values: absent (undefined or null) values are left out. */
export type Query = Readonly<Record<string, string | number | null | undefined>>;

/** What a call carries besides the endpoint. */
export type CallOptions<P extends string> = {
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
} & ([PathParams<P>] extends [never] ? { readonly params?: undefined } : { readonly params: Readonly<Record<PathParams<P>, string>> });

/** The arguments after the endpoint: optional when the path has no parameters. */
export type CallArgs<P extends string> = [PathParams<P>] extends [never] ? [options?: CallOptions<P>] : [options: CallOptions<P>];

let csrfToken: string | null = null;

/** Remembers the CSRF token from a login or /api/auth/me answer. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The URL of an endpoint: path parameters filled in (encoded), then the query. Throws on a missing parameter (a bug). */
export function urlOf(path: string, params?: Readonly<Record<string, string>>, query?: Query): string {
  const filled = path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) q.set(key, String(value));
  const text = q.toString();
  return text === '' ? filled : `${filled}?${text}`;
}

function invalid(status: number, what: string, detail: string): ApiError {
  return new ApiError(status, RESPONSE_INVALID, `The server's answer to ${what} was not what this page expects (${detail}). Reload the page; if that does not help, the web app and the server may be of different versions.`);
}

/** The text of a response, or null when it has none (204, or empty). */
async function textOf(res: Response): Promise<string | null> {
  if (res.status === 204) return null;
  const text = await res.text();
  return text === '' ? null : text;
}

/** The error a failed response stands for: the server's code and message when its body is the API's error shape. */
export async function failureOf(what: string, res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await textOf(res);
    body = text === null ? null : JSON.parse(text);
  } catch {
    // Not JSON: the generic message below.
  }
  const { errorSchema } = await loadChecks();
  const parsed = errorSchema.safeParse(body);
  return parsed.success ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message) : new ApiError(res.status, 'HTTP_ERROR', `${what} failed with HTTP ${res.status}`);
}

/** The parsed answer of a successful response: its JSON (null when empty) checked against the schema. Throws ApiError with RESPONSE_INVALID otherwise. (A caller that has a schema has loaded the checks, whose `issuesText` words a failure.) */
export async function answerOf<S extends z.ZodType>(schema: S, what: string, res: Response): Promise<z.output<S>> {
  const text = await textOf(res);
  let body: unknown = null;
  if (text !== null) {
    try {
      body = JSON.parse(text);
    } catch {
      throw invalid(res.status, what, 'not JSON');
    }
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(res.status, what, (await loadChecks()).issuesText(parsed.error));
  return parsed.data;
}

/**
 * Calls an endpoint: its answer parsed with the endpoint's schema, or an ApiError (the server's, or
 * RESPONSE_INVALID). The request and the load of the schemas (checks.ts, its own chunk) run in
 * parallel; a failed load rejects the call with its own message.
 */
export async function call<P extends string, K extends ResponseName>(endpoint: Endpoint<P, K>, ...[options]: CallArgs<P>): Promise<AnswerOf<K>> {
  const url = urlOf(endpoint.path, options?.params, options?.query);
  const what = `${endpoint.method} ${url.split('?')[0]}`;
  const body = options?.body;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (endpoint.method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const [res, checks] = await Promise.all([
    fetch(url, {
      method: endpoint.method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(options?.signal !== undefined && { signal: options.signal }),
    }),
    loadChecks(),
  ]);
  if (!res.ok) throw await failureOf(what, res);
  // The schema named K parses to AnswerOf<K> (endpoints.ts holds each entry's key to its own
  // name); the compiler cannot follow a generic key through the table, hence the one cast.
  const schema = checks.responses[endpoint.response] as unknown as z.ZodType<AnswerOf<K>>;
  return answerOf(schema, what, res);
}

/** A file an endpoint answered instead of JSON (an MP4), and the name its content-disposition gives it. */
export interface FileAnswer {
  readonly blob: Blob;
  readonly name: string | null;
}

/**
 * POSTs a JSON body, with the CSRF token, to a route that answers a file: the file, or an ApiError
 * with the server's code and message. For the few routes that make a file on request (the
 * subject-access export); JSON endpoints go through {@link call}.
 */
export async function postForFile(path: string, body: unknown, signal?: AbortSignal): Promise<FileAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body), ...(signal !== undefined && { signal }) });
  if (!res.ok) throw await failureOf(`POST ${path.split('?')[0]}`, res);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? null;
  return { blob: await res.blob(), name };
}

/** The message to show for a failure: the server's own when it sent one. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
