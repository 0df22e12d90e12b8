import * as z from 'zod';
import { jsonResult, type ToolDefinition } from './types';

/** Who the token says the caller is. */
export const whoami: ToolDefinition = {
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the signed-in user (subject, username), the OAuth client and the granted scopes.',
  inputSchema: z.object({}),
  scopes: ['read'],
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_input, { caller }) {
    return jsonResult({
      subject: caller.subject,
      username: caller.username ?? null,
      clientId: caller.clientId ?? null,
      scopes: [...caller.scopes],
    });
  },
};
