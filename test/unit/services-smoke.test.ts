import { CognitoIdentityProviderClient, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_AWS, startCognitoLocal, startDynalite } from '../../scripts/local/services';

test('dynalite and cognito-local start and answer their APIs', async () => {
  const dynamo = await startDynalite();
  const cognito = await startCognitoLocal({ dataDir: mkdtempSync(join(tmpdir(), 'cognito-')) });
  try {
    const ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    const idp = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognito.endpoint });
    const tables = await ddb.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual([]);
    const pool = await idp.send(new CreateUserPoolCommand({ PoolName: 'smoke' }));
    expect(pool.UserPool?.Id).toMatch(/^local_/);
    ddb.destroy();
    idp.destroy();
  } finally {
    await cognito.stop();
    await dynamo.stop();
  }
});
