import * as z from 'zod';
import { jsonResult, type ToolDefinition } from './types';

/** Longest note accepted, in characters. */
export const NOTE_MAX_CHARS = 2000;

const input = z.object({
  text: z.string().min(1).max(NOTE_MAX_CHARS).describe('The note'),
});

/** Stores a note for the caller. Needs write; asks for read too so a step-up token keeps it. */
export const notesAdd: ToolDefinition<typeof input> = {
  name: 'notes_add',
  title: 'Add a note',
  description: `Saves a note (1 to ${NOTE_MAX_CHARS} characters) that only you can list.`,
  inputSchema: input,
  scopes: ['read', 'write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run({ text }, { caller, notes }) {
    const note = await notes.add(caller.subject, text);
    return jsonResult({ note });
  },
};
