/**
 * The registration sweeper against dynalite and cognito-local: registrations are created through
 * the facade at chosen times (an injected clock), `lastUsedAt` is written as the MCP server writes
 * it, and after a run Cognito and DynamoDB must agree: no app client without a record.
 */
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand, ListUserPoolClientsCommand, TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loadSweeperConfig } from '../../../lambda/oauth/config';
import type { OAuthDeps } from '../../../lambda/oauth/deps';
import { ORPHAN_MIN_AGE_SECONDS } from '../../../lambda/oauth/orphans';
import { createCountedAppClient } from '../../../lambda/oauth/registrations';
import { DELETE_PAUSE_MS, sweepRegistrations, type SweepDeps, type SweepLimits } from '../../../lambda/oauth/sweep';
import { runSweeper } from '../../../lambda/oauth/sweeper-run';
import { SWEEPER_STATE_KEY } from '../../../lambda/oauth/sweeper-state';
import { bodyOf, buildHandler, event, faulty, listClients, newEnvironment, publicClient, registrationItems, scanTable, startServices, stopServices, type Environment, type Services } from './harness';

const NOW = new Date('2026-11-25T12:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let services: Services;
let environment: Environment;
let facade: OAuthDeps;
let logs: string[];

beforeAll(async () => {
  services = await startServices();
});
afterAll(() => stopServices(services));
beforeEach(async () => {
  // A fresh pool and table per test: each test sees only its own registrations.
  environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '1000' });
  facade = buildHandler(services, environment).deps;
  logs = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (logs.push(String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (logs.push(String(chunk)), true));
});
afterEach(() => jest.restoreAllMocks());

/** Registers a client through the facade as if at `at`; returns its id and registration access token. */
async function registerAt(at: Date, name = 'Client'): Promise<{ id: string; token: string }> {
  const { handler } = buildHandler(services, environment, (deps) => ({ ...deps, now: () => at }));
  const body = bodyOf(await handler(event('POST', '/register', { body: publicClient({ client_name: name }) })));
  return { id: body.client_id as string, token: body.registration_access_token as string };
}

/** What the MCP server writes when one of the client's tokens is used at /mcp. */
async function usedAt(clientId: string, at: Date): Promise<void> {
  await services.ddb.send(
    new UpdateCommand({
      TableName: environment.table,
      Key: { pk: `client#${clientId}` },
      UpdateExpression: 'SET lastUsedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': Math.floor(at.getTime() / 1000) },
    }),
  );
}

function sweeperDeps(patch: Partial<SweepDeps> = {}, env: Record<string, string> = {}): SweepDeps & { pauses: number[] } {
  const pauses: number[] = [];
  const config = loadSweeperConfig({ ...environment.env, ...env });
  return { config, ddb: facade.ddb, idp: facade.idp, now: () => NOW, sleep: async (ms) => void pauses.push(ms), pauses, ...patch };
}

function sweep(deps: SweepDeps = sweeperDeps(), limits?: SweepLimits) {
  return sweepRegistrations(deps, limits);
}

/** App client ids in Cognito and registration ids in DynamoDB, sorted. */
async function sides(): Promise<{ clients: string[]; records: string[] }> {
  return {
    clients: (await listClients(services, environment.poolId)).map((c) => c.ClientId!).sort(),
    records: (await registrationItems(services, environment.table)).map((i) => String(i.clientId)).sort(),
  };
}

const logLines = () => logs.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('which registrations go', () => {
  test('idle and old never-used registrations are deleted on both sides; recently used and young never-used ones stay', async () => {
    const idle = await registerAt(ago(200 * DAY), 'Idle');
    await usedAt(idle.id, ago(91 * DAY));
    const recent = await registerAt(ago(200 * DAY), 'Recent');
    await usedAt(recent.id, ago(1 * DAY));
    const young = await registerAt(ago(2 * HOUR), 'Young');
    const abandoned = await registerAt(ago(25 * HOUR), 'Abandoned');

    const summary = await sweep();

    expect(summary).toEqual({ scanned: 4, deleted: 2, kept: 2, failed: 0 });
    expect(await sides()).toEqual({ clients: [recent.id, young.id].sort(), records: [recent.id, young.id].sort() });
    const swept = logLines().filter((l) => l.message === 'registration swept');
    expect(swept).toHaveLength(2);
    expect(swept).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'INFO',
          clientId: idle.id,
          clientName: 'Idle',
          createdAt: ago(200 * DAY).toISOString(),
          lastUsedAt: ago(91 * DAY).toISOString(),
          reason: 'idle',
        }),
        expect.objectContaining({ clientId: abandoned.id, clientName: 'Abandoned', createdAt: ago(25 * HOUR).toISOString(), reason: 'unused' }),
      ]),
    );
    expect(logLines().find((l) => l.message === 'registration sweep finished')).toMatchObject({ scanned: 4, deleted: 2, kept: 2, failed: 0 });
    // Nothing secret in the log: no registration access token, no token hash.
    const all = logs.join('');
    for (const { token } of [idle, abandoned]) expect(all).not.toContain(token);
    expect(all).not.toMatch(/registrationTokenHash|[0-9a-f]{64}/);
  });

  test('the windows follow REGISTRATION_IDLE_DAYS and REGISTRATION_UNUSED_HOURS', async () => {
    const used = await registerAt(ago(30 * DAY));
    await usedAt(used.id, ago(8 * DAY));
    await registerAt(ago(5 * HOUR)); // never used, past 4 hours
    const kept = await registerAt(ago(3 * HOUR));
    const summary = await sweep(sweeperDeps({}, { REGISTRATION_IDLE_DAYS: '7', REGISTRATION_UNUSED_HOURS: '4' }));
    expect(summary).toMatchObject({ deleted: 2, kept: 1 });
    expect((await sides()).records).toEqual([kept.id]);
  });

  test('a never-used registration updated (RFC 7592 PUT) recently is kept: updatedAt counts like createdAt', async () => {
    const updated = await registerAt(ago(3 * DAY), 'Updated');
    await services.ddb.send(
      new UpdateCommand({
        TableName: environment.table,
        Key: { pk: `client#${updated.id}` },
        UpdateExpression: 'SET updatedAt = :at',
        ExpressionAttributeValues: { ':at': ago(2 * HOUR).toISOString() },
      }),
    );
    expect(await sweep()).toEqual({ scanned: 1, deleted: 0, kept: 1, failed: 0 });
    expect(await sides()).toEqual({ clients: [updated.id], records: [updated.id] });
  });

  test('a client that came back after the scan is kept: each deletion is judged again on a fresh read', async () => {
    const returning = await registerAt(ago(200 * DAY), 'Returning');
    await usedAt(returning.id, ago(91 * DAY));
    // The MCP server records a use between the scan and this registration's turn (the re-read).
    const writesFirst = faulty(facade.ddb, async (command) => {
      if (command instanceof GetCommand) await usedAt(returning.id, NOW);
    });
    expect(await sweep(sweeperDeps({ ddb: writesFirst }))).toEqual({ scanned: 1, deleted: 0, kept: 1, failed: 0 });
    expect(await sides()).toEqual({ clients: [returning.id], records: [returning.id] });
  });

  test('rate-limit counters in the same table are neither counted nor touched; the pool budget gets the slot back', async () => {
    await registerAt(ago(2 * DAY));
    const counters = (await scanTable(services, environment.table)).filter((i) => String(i.pk).startsWith('rate#'));
    expect(counters.length).toBeGreaterThan(0);
    const budget = () => scanTable(services, environment.table).then((items) => items.find((i) => i.pk === 'budget#pool'));
    expect(await budget()).toMatchObject({ count: 1 });
    expect(await sweep()).toMatchObject({ scanned: 1, deleted: 1 });
    const left = await scanTable(services, environment.table);
    expect(left.filter((i) => i.pk !== 'budget#pool').map((i) => i.pk)).toEqual(counters.map((i) => i.pk));
    expect(await budget()).toMatchObject({ count: 0 });
  });

  test('a registration whose app client is already gone gets its record deleted (counted as deleted)', async () => {
    const gone = await registerAt(ago(3 * DAY));
    await services.idp.send(new DeleteUserPoolClientCommand({ UserPoolId: environment.poolId, ClientId: gone.id }));
    expect(await sweep()).toMatchObject({ deleted: 1, failed: 0 });
    expect(await sides()).toEqual({ clients: [], records: [] });
  });

  test('the RFC 7592 registration access token of a swept client no longer works', async () => {
    const swept = await registerAt(ago(3 * DAY));
    await sweep();
    const { handler } = buildHandler(services, environment);
    const result = await handler(event('GET', `/register/${swept.id}`, { headers: { authorization: `Bearer ${swept.token}` } }));
    expect(result.statusCode).toBe(401);
  });
});

describe('pace and bounds', () => {
  test('deletes sequentially with a pause between two deletions, and the scan follows every page', async () => {
    for (let i = 0; i < 4; i++) await registerAt(ago(2 * DAY), `Old ${i}`);
    await registerAt(ago(1 * HOUR), 'Young');
    // One item per page, so the run must follow LastEvaluatedKey to see them all.
    const scans: number[] = [];
    const ddb = faulty(facade.ddb, (c) => {
      if (c instanceof ScanCommand) {
        (c.input as { Limit?: number }).Limit = 1;
        scans.push(1);
      }
      return undefined;
    });
    const deps = sweeperDeps({ ddb });
    expect(await sweep(deps)).toEqual({ scanned: 5, deleted: 4, kept: 1, failed: 0 });
    expect(scans.length).toBeGreaterThanOrEqual(5);
    expect(deps.pauses).toEqual([DELETE_PAUSE_MS, DELETE_PAUSE_MS, DELETE_PAUSE_MS]);
    expect((await sides()).clients).toHaveLength(1);
  });

  test('stops after the per-run bound and leaves the rest for the next run', async () => {
    for (let i = 0; i < 5; i++) await registerAt(ago(2 * DAY), `Old ${i}`);
    expect(await sweep(sweeperDeps(), { maxDeletions: 3 })).toMatchObject({ deleted: 3, failed: 0, stoppedBy: 'limit' });
    const after = await sides();
    expect(after.clients).toHaveLength(2);
    expect(after.records).toEqual(after.clients);
    expect(await sweep(sweeperDeps(), { maxDeletions: 3 })).toEqual({ scanned: 2, deleted: 2, kept: 0, failed: 0 });
    expect(await sides()).toEqual({ clients: [], records: [] });
  });
});

describe('failures leave no orphan', () => {
  test('a Cognito throttle stops the run; the throttled registration keeps its app client and its record', async () => {
    for (let i = 0; i < 4; i++) await registerAt(ago(2 * DAY), `Old ${i}`);
    let deletes = 0;
    const idp = faulty(facade.idp, (c) =>
      c instanceof DeleteUserPoolClientCommand && ++deletes === 2 ? new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }) : undefined,
    );
    const summary = await sweep(sweeperDeps({ idp }));
    expect(summary).toEqual({ scanned: 2, deleted: 1, kept: 0, failed: 1, stoppedBy: 'throttled' });
    expect(deletes).toBe(2); // nothing was attempted after the throttle
    const after = await sides();
    expect(after.clients).toHaveLength(3);
    expect(after.records).toEqual(after.clients);
    expect(logLines().some((l) => l.level === 'WARN' && /throttling/.test(String(l.message)))).toBe(true);
    expect(await sweep()).toMatchObject({ deleted: 3, failed: 0 });
    expect(await sides()).toEqual({ clients: [], records: [] });
  });

  test('a failed record delete after the app client went is finished by the next run', async () => {
    const reg = await registerAt(ago(2 * DAY));
    const ddb = faulty(facade.ddb, (c) => (c instanceof DeleteCommand ? new Error('disk on fire') : undefined));
    expect(await sweep(sweeperDeps({ ddb }))).toMatchObject({ deleted: 0, failed: 1 });
    // The app client is gone (no tokens any more); the record waits for the next run.
    expect(await sides()).toEqual({ clients: [], records: [reg.id] });
    expect(await sweep()).toMatchObject({ deleted: 1, failed: 0 });
    expect(await sides()).toEqual({ clients: [], records: [] });
  });

  test('a record without createdAt or lastUsedAt is kept and reported', async () => {
    await services.ddb.send(new PutCommand({ TableName: environment.table, Item: { pk: 'client#bare', clientId: 'bare' } }));
    expect(await sweep()).toMatchObject({ scanned: 1, kept: 1, deleted: 0 });
    expect(logLines().some((l) => l.level === 'WARN' && l.clientId === 'bare')).toBe(true);
  });
});

describe('the daily run: first deploy', () => {
  test('registrations without lastUsedAt made before the first run are not mass-deleted; they get the idle window from it', async () => {
    const old = await registerAt(ago(200 * DAY), 'Before deploy');
    const recent = await registerAt(ago(25 * HOUR), 'Just before deploy');
    const firstRun = await runSweeper(sweeperDeps());
    expect(firstRun.registrations).toMatchObject({ scanned: 2, deleted: 0, kept: 2 });
    expect(firstRun.firstRunAt).toBe(NOW.toISOString());
    const state = (await scanTable(services, environment.table)).find((i) => i.pk === SWEEPER_STATE_KEY);
    expect(state).toMatchObject({ firstRunAt: NOW.toISOString() });

    // A day later: the first run's time stays; a registration made after it follows the usual rules.
    const later = new Date(NOW.getTime() + 1 * DAY);
    const after = await registerAt(new Date(NOW.getTime() + 1 * HOUR), 'After deploy');
    const second = await runSweeper(sweeperDeps({ now: () => later }));
    expect(second.firstRunAt).toBe(NOW.toISOString());
    expect(second.registrations).toMatchObject({ deleted: 0, kept: 3 });
    const third = await runSweeper(sweeperDeps({ now: () => new Date(NOW.getTime() + 2 * DAY) }));
    expect(third.registrations).toMatchObject({ deleted: 1, kept: 2 });
    expect((await sides()).records).toEqual([old.id, recent.id].sort());

    // 90 days after the first run, those never seen in use go; one used since the deploy stays.
    await usedAt(recent.id, new Date(NOW.getTime() + 30 * DAY));
    const last = await runSweeper(sweeperDeps({ now: () => new Date(NOW.getTime() + 91 * DAY) }));
    expect(last.registrations).toMatchObject({ deleted: 1, kept: 1 });
    expect(await sides()).toEqual({ clients: [recent.id], records: [recent.id] });
    expect(after.id).toBeDefined();
  });
});

describe('the daily run: orphaned app clients and the AppClients metric', () => {
  /** cognito-local stamps CreationDate with the real clock: judge orphans by it. */
  const later = (ms: number) => () => new Date(Date.now() + ms);
  const budget = () => scanTable(services, environment.table).then((items) => items.find((i) => i.pk === 'budget#pool')?.count);
  const sweeperState = (at: Date) =>
    services.ddb.send(new PutCommand({ TableName: environment.table, Item: { pk: SWEEPER_STATE_KEY, firstRunAt: at.toISOString() } }));
  /** An app client as a registration killed before its record was written leaves it (slot reserved). */
  const orphan = async (name: string) => (await createCountedAppClient(facade, { ...publicClient({ client_name: name }), grant_types: ['authorization_code'] } as never, 500)).clientId;
  const plainClient = async (name: string) =>
    (await services.idp.send(new CreateUserPoolClientCommand({ UserPoolId: environment.poolId, ClientName: name }))).UserPoolClient!.ClientId!;
  /** The run's metric line (the one with `SweeperFailures`). */
  const runLine = () => logLines().find((l) => 'SweeperFailures' in l)!;

  test('deletes old prefixed app clients without a record, gives their slot back, keeps the rest, and publishes the counts', async () => {
    await sweeperState(new Date(Date.now() - DAY)); // the sweeper ran before: orphans since hold a budget slot
    const live = await registerAt(new Date(), 'Live');
    const lost = await orphan('Lost');
    const staticClient = await plainClient('mcp-local-static');
    const loginClient = await plainClient('mcp-local-login');
    expect(await budget()).toBe(2);

    const run = await runSweeper(sweeperDeps({ now: later(ORPHAN_MIN_AGE_SECONDS * 1000 + 5 * 60_000) }));

    expect(run.orphans).toEqual({ appClients: 3, deleted: 1, failed: 0 });
    expect((await sides()).clients).toEqual([live.id, staticClient, loginClient].sort());
    expect(await budget()).toBe(1);
    expect(logLines().find((l) => l.message === 'orphaned app client deleted')).toMatchObject({ clientId: lost, clientName: 'dcr Lost', budgetSlotReleased: true });
    const line = runLine();
    expect(line._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'McpAuth', Dimensions: [['service', 'UserPoolId']] }] });
    expect((line._aws as any).CloudWatchMetrics[0].Metrics.map((m: any) => m.Name).sort()).toEqual(['AppClients', 'OrphansDeleted', 'RegistrationsSwept', 'SweeperFailures']);
    expect(line).toMatchObject({ UserPoolId: environment.poolId, AppClients: 3, OrphansDeleted: 1, RegistrationsSwept: 0, SweeperFailures: 0 });
  });

  test('an app client younger than the safety margin is kept: its registration may still be writing the record', async () => {
    const young = await orphan('In flight');
    const run = await runSweeper(sweeperDeps({ now: later(ORPHAN_MIN_AGE_SECONDS * 1000 - 5 * 60_000) }));
    expect(run.orphans).toEqual({ appClients: 1, deleted: 0, failed: 0 });
    expect((await sides()).clients).toEqual([young]);
  });

  test('an orphan created before the sweeper first ran is deleted but keeps the count: the budget may never have counted it', async () => {
    await orphan('Old orphan');
    expect(await budget()).toBe(1);
    const run = await runSweeper(sweeperDeps({ now: later(2 * ORPHAN_MIN_AGE_SECONDS * 1000) }));
    expect(run.orphans).toMatchObject({ deleted: 1 });
    expect(await budget()).toBe(1);
    expect(logLines().find((l) => l.message === 'orphaned app client deleted')).toMatchObject({ budgetSlotReleased: false });
  });

  test('the app clients of swept registrations are not counted; a failed listing is a failure and publishes no AppClients', async () => {
    await sweeperState(ago(10 * DAY));
    await registerAt(ago(3 * DAY), 'Abandoned');
    expect((await runSweeper(sweeperDeps())).orphans).toMatchObject({ appClients: 0 });
    expect(runLine()).toMatchObject({ RegistrationsSwept: 1, AppClients: 0, SweeperFailures: 0 });

    logs.length = 0;
    const idp = faulty(facade.idp, (c) => (c instanceof ListUserPoolClientsCommand ? new Error('AccessDeniedException') : undefined));
    const run = await runSweeper(sweeperDeps({ idp }));
    expect(run.orphans).toBeUndefined();
    expect(runLine()).toMatchObject({ SweeperFailures: 1 });
    expect(runLine()).not.toHaveProperty('AppClients');
  });

  test('after Cognito throttled the registration pass, orphans are counted but not deleted', async () => {
    await sweeperState(new Date(Date.now() - 10 * DAY));
    await registerAt(new Date(Date.now() - 3 * DAY), 'Abandoned');
    const lost = await orphan('Lost');
    const idp = faulty(facade.idp, (c) => (c instanceof DeleteUserPoolClientCommand ? new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }) : undefined));
    const run = await runSweeper(sweeperDeps({ idp, now: later(2 * ORPHAN_MIN_AGE_SECONDS * 1000) }));
    expect(run.registrations).toMatchObject({ stoppedBy: 'throttled', failed: 1 });
    expect(run.orphans).toEqual({ appClients: 2, deleted: 0, failed: 0 });
    expect((await sides()).clients).toContain(lost);
    expect(runLine()).toMatchObject({ SweeperFailures: 1, AppClients: 2 });
  });
});
