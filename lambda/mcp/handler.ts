import { json, type HttpEvent, type HttpResult } from '../shared/http';

/** Placeholder until the handler lands: answers 501 so the stacks can synthesize. */
export async function handler(_event: HttpEvent): Promise<HttpResult> {
  return json(501, { error: 'not_implemented' });
}
