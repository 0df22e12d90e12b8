/** Every tool the server offers, in the order `tools/list` shows them. Adding a tool: one line here. */
import { notesAdd } from './notes-add';
import { notesList } from './notes-list';
import type { ToolDefinition } from './types';
import { whoami } from './whoami';

export const TOOLS: readonly ToolDefinition[] = [whoami, notesList, notesAdd] as readonly ToolDefinition[];
