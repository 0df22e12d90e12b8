import * as z from 'zod';
import { jsonResult, type ToolDefinition } from './types';

/** Most notes one call returns. */
export const NOTES_LIST_MAX = 50;

const input = z.object({
  limit: z.number().int().min(1).max(NOTES_LIST_MAX).optional().describe(`How many notes, newest first (default ${NOTES_LIST_MAX})`),
});

/** The caller's own notes, newest first. */
export const notesList: ToolDefinition<typeof input> = {
  name: 'notes_list',
  title: 'List my notes',
  description: `Lists your notes, newest first (at most ${NOTES_LIST_MAX}).`,
  inputSchema: input,
  scopes: ['read'],
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run({ limit }, { caller, notes }) {
    const found = await notes.list(caller.subject, limit ?? NOTES_LIST_MAX);
    return jsonResult({ notes: found });
  },
};
