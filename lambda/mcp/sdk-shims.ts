/**
 * Stand-in for `@modelcontextprotocol/server/_shims` in the MCP function's bundle (an esbuild
 * alias; see docs/mcp-server.md, "Performance"). The SDK's Node shims module exports the
 * `process` object and `DefaultJsonSchemaValidator`, which is Ajv with ajv-formats: about 150 KB
 * of the 484 KB bundle, evaluated at import (the SDK requires Ajv at module scope and builds an
 * engine only on first use): 20 ms of a 290 ms cold start on a quiet machine, up to 90 ms on a
 * busy one (`npm run bench -- --only cold` measures both bundlings).
 *
 * The SDK uses that validator for two things this server never does: checking an elicitation
 * result against its requested JSON Schema (`elicitInput`), and tools registered with a raw JSON
 * Schema (`fromJsonSchema` without a validator). The tools here are zod schemas, validated through
 * Standard Schema. If a tool ever elicits, pass the SDK a validator (`jsonSchemaValidator` in the
 * server options) or drop the alias; until then, asking for one fails loudly.
 */
import process from 'node:process';
import type { jsonSchemaValidator, JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/server';

export const NO_JSON_SCHEMA_VALIDATOR = 'This MCP function is bundled without a JSON Schema validator (lambda/mcp/sdk-shims.ts): pass jsonSchemaValidator to the server';

export class DefaultJsonSchemaValidator implements jsonSchemaValidator {
  getValidator<T>(_schema: JsonSchemaType): JsonSchemaValidator<T> {
    throw new Error(NO_JSON_SCHEMA_VALIDATOR);
  }
}

export { process };
