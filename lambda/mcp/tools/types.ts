/**
 * What a tool module exports. Adding a tool: write a module exporting a `ToolDefinition` and add
 * it to the list in `index.ts`.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type * as z from 'zod';
import type { NotesStore } from '../notes-store';
import type { VerifiedToken } from '../token-verifier';

/** Scope roles; config maps them to full scope strings (`<RESOURCE_URL>/read`, ...). */
export type ScopeRole = 'read' | 'write';

/** What a tool gets: the caller (from the verified token) and the domain services. */
export interface ToolContext {
  readonly caller: VerifiedToken;
  readonly notes: NotesStore;
}

export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** zod 4 object schema: the SDK validates arguments and publishes it as JSON Schema 2020-12. */
  readonly inputSchema: Input;
  /**
   * Every scope a call needs. Checked before the MCP SDK runs, so a missing one answers HTTP 403
   * `insufficient_scope` naming all of them (step-up keeps what the client already had).
   */
  readonly scopes: readonly ScopeRole[];
  readonly annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
  run(input: z.infer<Input>, ctx: ToolContext): Promise<CallToolResult>;
}

/** A successful result with text and the same data as structured content. */
export function jsonResult(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

/** A tool error (`isError: true`): the model sees it, the protocol call still succeeds. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
