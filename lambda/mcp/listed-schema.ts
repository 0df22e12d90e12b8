/**
 * A tool's input schema whose JSON Schema form is computed once per container.
 *
 * The MCP SDK converts every tool's Standard Schema to JSON Schema on every `tools/list`
 * (`convertListedInputSchema` → `~standard.jsonSchema.input()`), about a sixth of an authorized
 * `tools/list` here. The tool list is the same for every caller and every request, so the
 * conversion's result is kept: this wrapper is a Standard Schema (validation delegated to the
 * zod schema unchanged) whose `jsonSchema.input/output` answer from a memo keyed by the options.
 * The SDK stays the one that converts, validates and publishes; it just asks a memo.
 * Callers never mutate the returned JSON Schema (the SDK copies the root before adding `type`).
 */
import type * as z from 'zod';

type StandardProps = z.ZodObject['~standard'];
type JsonSchemaOptions = Parameters<NonNullable<StandardProps['jsonSchema']>['input']>[0];

export function withListedSchemaMemo<S extends z.ZodObject>(schema: S): S {
  const std = schema['~standard'];
  const converters = std.jsonSchema;
  if (!converters) return schema;
  const memo = new Map<string, Record<string, unknown>>();
  const remembered = (io: 'input' | 'output') => (options: JsonSchemaOptions) => {
    // The SDK passes `{ target }` alone on every `tools/list`; anything else is keyed in full.
    const key = options.libraryOptions === undefined ? `${io} ${options.target}` : `${io} ${JSON.stringify(options)}`;
    let json = memo.get(key);
    if (!json) {
      json = Object.freeze(converters[io](options)) as Record<string, unknown>;
      memo.set(key, json);
    }
    return json;
  };
  // A Standard Schema object: only `~standard` is read by the SDK (validate, vendor, jsonSchema).
  return { '~standard': { ...std, jsonSchema: { input: remembered('input'), output: remembered('output') } } } as unknown as S;
}
