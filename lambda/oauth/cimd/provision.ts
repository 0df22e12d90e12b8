/**
 * One Cognito app client per CIMD document URL, created on first use. Concurrent first uses race
 * on the conditional write of the URL's `cimd#` mapping: the winner's app client is the URL's, and
 * every loser deletes its own app client and record again and uses the winner's. Creation is
 * counted in the pool budget like an open registration (`pool-budget.ts`).
 */
import { TemporarilyUnavailableError } from '../../shared/errors';
import { THROTTLE_RETRY_AFTER_SECONDS } from '../aws-errors';
import type { ClientMetadata } from '../client-metadata';
import { updateAppClient } from '../cognito-bridge';
import type { OAuthDeps } from '../deps';
import { deleteRegistration, registrationKey, type StoreDeps } from '../registration-store';
import { createCountedAppClient, undoCreate } from '../registrations';
import type { CimdDocument } from './document';
import { cimdKey, getMapping, putClientRecord, putNewMapping, refreshMapping, updateClientRecordMetadata, type CimdMapping } from './store';

export function storeOf(deps: Pick<OAuthDeps, 'ddb' | 'config'>): StoreDeps {
  return { ddb: deps.ddb, tableName: deps.config.registrationsTable };
}

/** The registered metadata inside a stored document (without its `client_id`). */
export function metadataOf(document: CimdDocument): ClientMetadata {
  const { client_id: _clientId, ...metadata } = document;
  return metadata;
}

/** Creates the URL's app client and records, or adopts the one a concurrent request created first. */
export async function provisionCimdClient(deps: OAuthDeps, url: string, document: CimdDocument, cacheUntil: number): Promise<CimdMapping> {
  const store = storeOf(deps);
  const now = deps.now().toISOString();
  const metadata = metadataOf(document);
  const { clientId } = await createCountedAppClient(deps, metadata, deps.config.registrationPoolBudget);
  try {
    await putClientRecord(store, { pk: registrationKey(clientId), clientId, cimdUrl: url, metadata, confidential: false, createdAt: now, updatedAt: now });
  } catch (err) {
    await undoCreate(deps, clientId);
    throw err;
  }
  const mapping: CimdMapping = { pk: cimdKey(url), url, cognitoClientId: clientId, document, fetchedAt: now, cacheUntil };
  let won: boolean;
  try {
    won = await putNewMapping(store, mapping);
  } catch (err) {
    await discard(deps, clientId);
    throw err;
  }
  if (won) return mapping;
  // Lost the race: another request mapped this URL first. Use its client, remove ours.
  await discard(deps, clientId);
  const winner = await getMapping(store, url);
  if (!winner) throw new TemporarilyUnavailableError('The client is being set up by another request; retry after the indicated delay.', THROTTLE_RETRY_AFTER_SECONDS);
  return winner;
}

async function discard(deps: OAuthDeps, clientId: string): Promise<void> {
  await deleteRegistration(storeOf(deps), clientId);
  await undoCreate(deps, clientId);
}

/**
 * Stores a re-fetched document for the mapped app client. When what it registers changed (name,
 * redirect URIs, scopes), the app client and the client record follow it first.
 */
export async function refreshCimdClient(deps: OAuthDeps, mapping: CimdMapping, document: CimdDocument, cacheUntil: number): Promise<CimdMapping> {
  const store = storeOf(deps);
  const metadata = metadataOf(document);
  if (JSON.stringify(metadataOf(mapping.document)) !== JSON.stringify(metadata)) {
    await updateAppClient(deps.idp, deps.config, mapping.cognitoClientId, metadata);
    await updateClientRecordMetadata(store, mapping.cognitoClientId, metadata, deps.now());
  }
  const refreshed: CimdMapping = { ...mapping, document, fetchedAt: deps.now().toISOString(), cacheUntil };
  await refreshMapping(store, refreshed);
  return refreshed;
}
