/**
 * Notes per user in the notes table (docs/contracts.md): `pk` = `user#<sub>`,
 * `sk` = `note#<ISO createdAt>#<id>`. Every read and write is keyed by the caller's `sub`,
 * which comes from the verified token, never from tool input: one user cannot name another's
 * partition.
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDbLite } from '../shared/dynamodb-lite';

export interface Note {
  readonly id: string;
  readonly text: string;
  readonly createdAt: string;
}

export interface NotesStore {
  add(subject: string, text: string): Promise<Note>;
  /** The subject's notes, newest first, at most `limit`. */
  list(subject: string, limit: number): Promise<Note[]>;
}

export function createNotesStore(ddb: Pick<DynamoDbLite, 'putItem' | 'query'>, table: string, now: () => Date = () => new Date()): NotesStore {
  return {
    async add(subject, text) {
      const note = { id: randomUUID(), text, createdAt: now().toISOString() };
      await ddb.putItem({
        TableName: table,
        Item: {
          pk: { S: `user#${subject}` },
          sk: { S: `note#${note.createdAt}#${note.id}` },
          text: { S: note.text },
          createdAt: { S: note.createdAt },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      return note;
    },
    async list(subject, limit) {
      const result = await ddb.query({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': { S: `user#${subject}` }, ':note': { S: 'note#' } },
        ScanIndexForward: false,
        Limit: limit,
      });
      return (result.Items ?? []).map((item) => ({
        id: str(item.sk).split('#').pop() ?? '',
        text: str(item.text),
        createdAt: str(item.createdAt),
      }));
    },
  };
}

function str(value: AttributeValue | undefined): string {
  return value && 'S' in value ? value.S : '';
}
