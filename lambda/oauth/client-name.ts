/**
 * Cognito app client names: `[\w\s+=,.@-]+`, at most 128 characters. The client's own `client_name`
 * is kept as given in the registration; Cognito gets a safe form with a `dcr ` prefix so operators
 * can tell registered clients from the stack's own in the console and find orphans.
 */

export const COGNITO_CLIENT_NAME_PREFIX = 'dcr ';
export const MAX_COGNITO_CLIENT_NAME_LENGTH = 128;
const FALLBACK_NAME = 'client';

/** `Claude Code (claude-ai)` → `dcr Claude Code claude-ai`; accents folded, other characters become spaces. */
export function cognitoClientName(clientName: string | undefined): string {
  const safe = (clientName ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_ +=,.@-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${COGNITO_CLIENT_NAME_PREFIX}${safe || FALLBACK_NAME}`.slice(0, MAX_COGNITO_CLIENT_NAME_LENGTH).trim();
}
