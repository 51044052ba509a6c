/**
 * The web client's endpoint table against the server's routes: every endpoint the web app calls
 * exists with its method and path, and parses answers with a schema (looked up by the key the
 * entry names, in checks.ts's `responses`) that documents exactly as the route's own does. Both sides go through the same conversion (fastify-type-provider-zod's
 * jsonSchemaTransform into @fastify/swagger's OpenAPI document): the server's document comes from
 * the real app, the client's from an app that declares only the client's table. Fails when a route
 * and the client drift apart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fastifySwagger from '@fastify/swagger';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { responses } from '../web/src/api/checks.ts';
import { api, type Method } from '../web/src/api/endpoints.ts';
import { createHarness } from './fixtures/api-harness.ts';

/** The parts of an OpenAPI document this test reads. */
const openApiSchema = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.object({ responses: z.record(z.string(), z.unknown()).optional() }).loose())),
});
type OpenApi = z.infer<typeof openApiSchema>;

/** A fastify path as OpenAPI writes it: `/a/:id` → `/a/{id}`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

/** An endpoint with its schema itself (the table names it by key). */
interface Declared {
  readonly method: Method;
  readonly path: string;
  readonly status: 200 | 201 | 204;
  readonly response: z.ZodType;
}

/** The OpenAPI document of an app that declares the client's endpoints, with the client's schemas. */
async function clientDocument(endpoints: readonly Declared[]): Promise<OpenApi> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, { openapi: { openapi: '3.0.3', info: { title: 'client', version: '0' } }, transform: jsonSchemaTransform });
  for (const e of endpoints) app.route({ method: e.method, url: e.path, schema: { response: { [e.status]: e.response } }, handler: async () => null });
  await app.ready();
  const doc = openApiSchema.parse(app.swagger());
  await app.close();
  return doc;
}

function responseOf(doc: OpenApi, e: Omit<Declared, 'response'>): unknown {
  return doc.paths[openApiPath(e.path)]?.[e.method.toLowerCase()]?.responses?.[String(e.status)];
}

test('every endpoint of the web client is a route of the server, answering in the shape the client parses', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  await h.app.ready();
  const server = openApiSchema.parse(h.app.swagger());
  const entries = Object.entries(api);
  assert.ok(entries.length >= 20, 'the table lists the endpoints');
  for (const [name, e] of entries) assert.ok(Object.hasOwn(responses, e.response), `${name}: no response schema named ${e.response}`);
  assert.deepEqual(Object.keys(responses).sort(), entries.map(([, e]) => e.response).sort(), 'every response schema is one endpoint\'s');
  const client = await clientDocument(entries.map(([, e]) => ({ ...e, response: responses[e.response] })));
  for (const [name, e] of entries) {
    const route = server.paths[openApiPath(e.path)]?.[e.method.toLowerCase()];
    assert.ok(route !== undefined, `${name}: ${e.method} ${e.path} is not a route of the server`);
    const declared = responseOf(server, e);
    assert.ok(declared !== undefined, `${name}: the route declares no ${e.status} answer`);
    assert.deepEqual(responseOf(client, e), declared, `${name}: the client's schema for ${e.method} ${e.path} differs from the route's`);
  }
});

test('the drift check catches a field the route has and the client lacks, and one of another type', async () => {
  const route: Declared = { method: 'GET', path: '/api/setup', status: 200, response: z.object({ open: z.boolean() }) };
  const same = await clientDocument([{ ...route, response: z.object({ open: z.boolean() }) }]);
  const missing = await clientDocument([{ ...route, response: z.object({}) }]);
  const retyped = await clientDocument([{ ...route, response: z.object({ open: z.string() }) }]);
  const reference = await clientDocument([route]);
  assert.deepEqual(responseOf(same, route), responseOf(reference, route));
  assert.notDeepEqual(responseOf(missing, route), responseOf(reference, route));
  assert.notDeepEqual(responseOf(retyped, route), responseOf(reference, route));
});
