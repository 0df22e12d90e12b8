/**
 * The SDK shims stand-in (lambda/mcp/sdk-shims.ts): bundled through an esbuild alias, it keeps
 * Ajv out of the MCP function; a JSON Schema validator asked of it fails loudly.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { DefaultJsonSchemaValidator, NO_JSON_SCHEMA_VALIDATOR, process as shimProcess } from '../../../lambda/mcp/sdk-shims';

const root = resolve(__dirname, '../../..');

test('asking for a JSON Schema validator fails with the reason', () => {
  expect(() => new DefaultJsonSchemaValidator().getValidator({ type: 'object' })).toThrow(NO_JSON_SCHEMA_VALIDATOR);
});

test('process is Node’s own', () => {
  expect(shimProcess).toBe(process);
});

test('with the alias, the MCP handler bundle carries no Ajv', async () => {
  const bundleOf = async (alias?: Record<string, string>) => {
    const result = await build({
      entryPoints: [resolve(root, 'lambda/mcp/handler.mts')], bundle: true, write: false, platform: 'node', target: 'node22', format: 'esm',
      mainFields: ['module', 'main'], logLevel: 'silent', ...(alias ? { alias } : {}),
    });
    return result.outputFiles[0].text;
  };
  const published = await bundleOf();
  const shimmed = await bundleOf({ '@modelcontextprotocol/server/_shims': resolve(root, 'lambda/mcp/sdk-shims.ts') });
  expect(published).toContain('var Ajv2020 = class');
  expect(shimmed).not.toContain('var Ajv2020 = class');
  expect(shimmed).toContain(NO_JSON_SCHEMA_VALIDATOR);
});
