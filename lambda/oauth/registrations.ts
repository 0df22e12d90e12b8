/**
 * Registration as one unit of work (RFC 7591 create, RFC 7592 read/update/delete): the Cognito app
 * client and the DynamoDB record exist together or not at all. Each step that follows a Cognito
 * change undoes that change if it fails (compensation), so no app client outlives its record.
 */
import { InvalidClientMetadataError, InvalidTokenError, OAuthError } from '../shared/errors';
import { errorFields, log } from '../shared/logger';
import { bearerToken, newOpaqueToken, sameHash, sha256Hex } from '../shared/tokens';
import { isConfidential, validateClientMetadata, type ClientMetadata } from './client-metadata';
import { appClientSecret, createAppClient, deleteAppClient, RegistrationGoneError, updateAppClient } from './cognito-bridge';
import type { OAuthConfig } from './config';
import type { OAuthDeps } from './deps';
import { deleteMapping } from './cimd/store';
import { releasePoolSlot, reservePoolSlot } from './pool-budget';
import { consumeRegistrationQuota } from './rate-limit';
import {
  deleteRegistration,
  getRegistration,
  markDeleting,
  putNewRegistration,
  RegistrationConflictError,
  replaceRegistration,
  rotateRegistrationTokenHash,
  type RegistrationRecord,
  type StoreDeps,
} from './registration-store';

/** Bytes of randomness in a registration access token (base64url on the wire). */
export const REGISTRATION_TOKEN_BYTES = 32;
/** Attempts to delete an app client whose record could not be written. */
const COMPENSATION_ATTEMPTS = 3;
/** Cognito client ids: word characters, at most 128. Anything else cannot exist. */
const CLIENT_ID = /^[\w+]{1,128}$/;
/** Compared against when the client id is unknown, so unknown ids and wrong tokens take the same path. */
const NO_HASH = '0'.repeat(64);

export interface Caller {
  readonly sourceIp: string;
  readonly userAgent: string;
}

/** 409: the registration changed while this request worked on it. */
export class RegistrationChangedError extends OAuthError {
  constructor() {
    super(
      'invalid_request',
      409,
      'The registration changed while this request was processed (another read, update or delete with the same registration access token); nothing was changed. Continue with the token that request returned.',
    );
  }
}

/** A registration with the token just issued for it (returned once, stored only as a hash). */
export interface IssuedRegistration {
  readonly record: RegistrationRecord;
  readonly registrationAccessToken: string;
}

function rateLimit(deps: OAuthDeps) {
  return { limit: deps.config.registrationRateLimit, windowSeconds: deps.config.registrationRateWindowSeconds };
}

/**
 * What deleting a registration needs: the AWS clients, the pool and the table. The facade's
 * `OAuthDeps` is one; the registration sweeper (`sweep.ts`) passes its own, smaller one.
 */
export interface DeleteDeps {
  readonly ddb: OAuthDeps['ddb'];
  readonly idp: OAuthDeps['idp'];
  readonly config: Pick<OAuthConfig, 'userPoolId' | 'registrationsTable'>;
  readonly now: () => Date;
}

function store(deps: Pick<DeleteDeps, 'ddb' | 'config'>): StoreDeps {
  return { ddb: deps.ddb, tableName: deps.config.registrationsTable };
}

/**
 * Compensation: deletes an app client whose record could not be written, and gives its budget
 * slot back. An app client that could not be deleted keeps its slot: it still occupies the pool.
 */
export async function undoCreate(deps: Pick<DeleteDeps, 'ddb' | 'idp' | 'config'>, clientId: string): Promise<void> {
  for (let attempt = 1; attempt <= COMPENSATION_ATTEMPTS; attempt++) {
    try {
      await deleteAppClient(deps.idp, deps.config, clientId);
      await releasePoolSlot(store(deps));
      log.warn('registration rolled back: app client deleted', { clientId });
      return;
    } catch (err) {
      if (attempt === COMPENSATION_ATTEMPTS) {
        log.error('orphaned Cognito app client: delete it by hand', { clientId, userPoolId: deps.config.userPoolId, ...errorFields(err) });
        return;
      }
      await new Promise((ok) => setTimeout(ok, 100 * attempt));
    }
  }
}

/**
 * Creates an app client counted in the pool budget (`pool-budget.ts`): reserves a slot (refused at
 * `budget` if one is given), then creates the client, giving the slot back if that fails.
 */
export async function createCountedAppClient(
  deps: Pick<OAuthDeps, 'ddb' | 'idp' | 'config'>,
  metadata: ClientMetadata,
  budget: number | undefined,
): Promise<{ clientId: string; clientSecret?: string }> {
  await reservePoolSlot(store(deps), budget);
  try {
    return await createAppClient(deps.idp, deps.config, metadata);
  } catch (err) {
    await releasePoolSlot(store(deps));
    throw err;
  }
}

/**
 * RFC 7591 §3: validates, rate-limits, creates the app client (open mode: within the pool budget;
 * token mode: counted only), then writes the record (or undoes the client).
 */
export async function registerClient(
  deps: OAuthDeps,
  requested: Record<string, unknown>,
  who: Caller,
): Promise<{ record: RegistrationRecord; clientSecret?: string; registrationAccessToken: string }> {
  const metadata = validateClientMetadata(requested, deps.config);
  const now = deps.now();
  await consumeRegistrationQuota(deps.ddb, deps.config.registrationsTable, rateLimit(deps), who.sourceIp, now);
  const { clientId, clientSecret } = await createCountedAppClient(deps, metadata, deps.config.registrationMode === 'token' ? undefined : deps.config.registrationPoolBudget);
  const registrationAccessToken = newOpaqueToken(REGISTRATION_TOKEN_BYTES);
  const record: RegistrationRecord = {
    pk: `client#${clientId}`,
    clientId,
    registrationTokenHash: sha256Hex(registrationAccessToken),
    metadata,
    confidential: isConfidential(metadata),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    createdBy: { sourceIp: who.sourceIp, userAgent: who.userAgent },
  };
  try {
    await putNewRegistration(store(deps), record);
  } catch (err) {
    await undoCreate(deps, clientId);
    throw err;
  }
  return { record, clientSecret, registrationAccessToken };
}

/**
 * RFC 7592 §2: the record of `clientId` if `authorization` carries its registration access token.
 * Unknown ids and wrong or missing tokens get the same 401, so ids cannot be probed.
 */
export async function authenticateRegistration(deps: OAuthDeps, clientId: string, authorization: string | undefined): Promise<RegistrationRecord> {
  const token = bearerToken(authorization);
  const record = token && CLIENT_ID.test(clientId) ? await getRegistration(store(deps), clientId) : undefined;
  const matches = sameHash(sha256Hex(token ?? ''), record?.registrationTokenHash ?? NO_HASH);
  // CIMD clients have a record but no registration access token: RFC 7592 does not apply to them.
  if (!record || !matches || !record.registrationTokenHash) {
    throw new InvalidTokenError('The registration access token is missing, invalid, or not for this client.', 'Bearer error="invalid_token"');
  }
  return record;
}

async function checkSentSecret(deps: OAuthDeps, record: RegistrationRecord, sent: unknown): Promise<void> {
  if (sent === undefined) return;
  const current = record.confidential ? await appClientSecret(deps.idp, deps.config, record.clientId) : undefined;
  // RFC 7592 §2.2: a sent client_secret MUST match the current one; clients cannot choose their secret.
  if (typeof sent !== 'string' || !current || !sameHash(sha256Hex(sent), sha256Hex(current))) {
    throw new InvalidClientMetadataError('client_secret does not match the issued secret; the secret cannot be changed by update.');
  }
}

/**
 * RFC 7592 §3: the client information response carries a registration access token, and the
 * server MAY rotate it. Only its hash is stored, so the token is rotated on every read: the new
 * one is returned and the old one stops working. Of two reads with one token exactly one wins
 * (conditional write); the other gets 401, never a token that was not stored. A read writes, so it
 * spends the caller's rate-limit budget like a registration or an update (issue 15).
 */
export async function readClient(deps: OAuthDeps, record: RegistrationRecord, who: Caller): Promise<IssuedRegistration> {
  if (record.deletingAt) throw new RegistrationGoneError();
  await consumeRegistrationQuota(deps.ddb, deps.config.registrationsTable, rateLimit(deps), who.sourceIp, deps.now());
  const registrationAccessToken = newOpaqueToken(REGISTRATION_TOKEN_BYTES);
  const registrationTokenHash = sha256Hex(registrationAccessToken);
  try {
    await rotateRegistrationTokenHash(store(deps), record.clientId, record.registrationTokenHash, registrationTokenHash);
  } catch (err) {
    if (!(err instanceof RegistrationConflictError)) throw err;
    throw new InvalidTokenError(
      'The registration access token is no longer valid: a concurrent request rotated it (use the token it returned) or deleted the client.',
      'Bearer error="invalid_token"',
    );
  }
  return { record: { ...record, registrationTokenHash }, registrationAccessToken };
}

/**
 * RFC 7592 §2.2: replaces the registration with the full metadata sent (omitted fields take
 * defaults) and, as on reads (RFC 7592 §3), rotates the registration access token. Only a valid
 * request spends the caller's rate-limit budget, right before Cognito is changed.
 */
export async function updateClient(
  deps: OAuthDeps,
  record: RegistrationRecord,
  requested: Record<string, unknown>,
  who: Caller,
): Promise<IssuedRegistration> {
  if (record.deletingAt) throw new RegistrationGoneError();
  if (requested.client_id !== record.clientId) {
    throw new InvalidClientMetadataError('The body must carry client_id, equal to the client being updated.');
  }
  const metadata = validateClientMetadata(requested, deps.config);
  if (isConfidential(metadata) !== record.confidential) {
    throw new InvalidClientMetadataError(
      `token_endpoint_auth_method cannot switch between public (none) and confidential on update; register a new client instead.`,
    );
  }
  await checkSentSecret(deps, record, requested.client_secret);
  const now = deps.now();
  // UpdateUserPoolClient shares Cognito's 5 requests/s per pool with registration: one budget.
  await consumeRegistrationQuota(deps.ddb, deps.config.registrationsTable, rateLimit(deps), who.sourceIp, now);
  await updateAppClient(deps.idp, deps.config, record.clientId, metadata);
  const registrationAccessToken = newOpaqueToken(REGISTRATION_TOKEN_BYTES);
  const updated: RegistrationRecord = { ...record, metadata, registrationTokenHash: sha256Hex(registrationAccessToken), updatedAt: now.toISOString() };
  try {
    await replaceRegistration(store(deps), updated, record.registrationTokenHash);
  } catch (err) {
    await restoreAppClient(deps, record);
    throw err instanceof RegistrationConflictError ? new RegistrationChangedError() : err;
  }
  return { record: updated, registrationAccessToken };
}

/**
 * Puts the app client back in line with the stored record after a failed record write: the record
 * as it is now (a concurrent update may have replaced it), else as this request read it.
 */
async function restoreAppClient(deps: OAuthDeps, read: RegistrationRecord): Promise<void> {
  try {
    const current = await getRegistration(store(deps), read.clientId).catch(() => read);
    // Deleted or being deleted meanwhile: the delete removes (or removed) the app client.
    if (!current || current.deletingAt) return;
    await updateAppClient(deps.idp, deps.config, current.clientId, current.metadata as ClientMetadata);
    log.warn('registration update rolled back', { clientId: read.clientId });
  } catch (err) {
    if (err instanceof RegistrationGoneError) return;
    log.error('app client and registration record disagree: re-apply the record by hand', { clientId: read.clientId, ...errorFields(err) });
  }
}

/**
 * RFC 7592 §2.3, and the sweeper's delete, as one unit of work:
 * 1. mark the record `deletingAt`, on the condition that it still carries `expectedHash` (the token
 *    hash the RFC 7592 DELETE authenticated with; the sweeper passes none): from here concurrent
 *    GETs and PUTs fail cleanly, and a DELETE that lost to a GET/PUT rotating the token gets 409;
 * 2. for a CIMD client (`cimdUrl`), delete the document URL's `cimd#` mapping, so that no one is
 *    handed this client any more;
 * 3. delete the app client (tokens can no longer be refreshed; already gone counts as deleted);
 * 4. delete the record, and give the budget slot back only if this call removed it, so two racing
 *    deletes release one slot.
 * A failure after step 1 leaves a marked record that a retry (or the sweeper) finishes. A record
 * already gone means a concurrent delete won: done (DELETE is idempotent).
 */
export async function deleteClient(
  deps: DeleteDeps,
  record: Pick<RegistrationRecord, 'clientId'>,
  expectedHash?: string,
): Promise<void> {
  let marked: Record<string, unknown>;
  try {
    marked = await markDeleting(store(deps), record.clientId, expectedHash, deps.now());
  } catch (err) {
    if (!(err instanceof RegistrationConflictError)) throw err;
    if (!(await getRegistration(store(deps), record.clientId))) return;
    throw new RegistrationChangedError();
  }
  if (typeof marked.cimdUrl === 'string') await deleteMapping(store(deps), marked.cimdUrl, record.clientId);
  await deleteAppClient(deps.idp, deps.config, record.clientId);
  if (await deleteRegistration(store(deps), record.clientId)) await releasePoolSlot(store(deps));
}
