/** The memoized JSON Schema form of a tool's input schema (lambda/mcp/listed-schema.ts). */
import * as z from 'zod';
import { withListedSchemaMemo } from '../../../lambda/mcp/listed-schema';

const schema = z.object({ text: z.string().min(1) });

test('one conversion per container: the same options give the same object, equal to the unwrapped conversion', () => {
  const listed = withListedSchemaMemo(schema)['~standard'].jsonSchema!;
  const first = listed.input({ target: 'draft-2020-12' });
  expect(listed.input({ target: 'draft-2020-12' })).toBe(first);
  expect(first).toEqual(schema['~standard'].jsonSchema!.input({ target: 'draft-2020-12' }));
  expect(Object.isFrozen(first)).toBe(true);
});

test('another target, direction or library option is converted on its own', () => {
  const listed = withListedSchemaMemo(schema)['~standard'].jsonSchema!;
  const input = listed.input({ target: 'draft-2020-12' });
  expect(listed.input({ target: 'draft-07' })).not.toBe(input);
  expect(listed.input({ target: 'draft-07' })).toEqual(schema['~standard'].jsonSchema!.input({ target: 'draft-07' }));
  expect(listed.output({ target: 'draft-2020-12' })).not.toBe(input);
  expect(listed.input({ target: 'draft-2020-12', libraryOptions: { unrepresentable: 'any' } })).not.toBe(input);
});

test('validation is the zod schema’s, unchanged', async () => {
  const std = withListedSchemaMemo(schema)['~standard'];
  expect(await std.validate({ text: 'hi' })).toEqual({ value: { text: 'hi' } });
  expect(await std.validate({ text: '' })).toHaveProperty('issues');
});
