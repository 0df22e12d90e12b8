/**
 * Where the browser goes after the broker's `/callback`, for the login stand-in's CSP. Chrome
 * checks the login page's `form-action` on every redirect that follows the form's POST, and with
 * the broker that chain is login POST → the broker's `/callback` (this origin) → the client's
 * redirect URI. The stand-in cannot name that last origin from its own request, so it reads it
 * from the broker's pending authorization: the `authz#<SHA-256 of the upstream state>` item in the
 * registrations table (docs/contracts.md, broker items), whose `redirectUri` the broker validated
 * and will redirect to. Anything else (another redirect URI, no or an expired item) adds nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../lambda/shared/tokens';

export type OnwardRedirect = (redirectUri: string, state: string | undefined) => Promise<string | undefined>;

export function brokerRelay(ddb: DynamoDBClient, table: string, brokerCallbackUrl: string, now: () => number = Date.now): OnwardRedirect {
  const doc = DynamoDBDocumentClient.from(ddb);
  return async (redirectUri, state) => {
    if (redirectUri !== brokerCallbackUrl || !state) return undefined;
    const { Item: item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: `authz#${sha256Hex(state)}` }, ConsistentRead: true }));
    if (!item || typeof item.redirectUri !== 'string' || !(Number(item.expiresAt) > now() / 1000)) return undefined;
    try {
      return new URL(item.redirectUri).href;
    } catch {
      return undefined;
    }
  };
}
