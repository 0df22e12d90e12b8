/** The broker's signing key: from config (hex), or Secrets Manager read once per container, signed with SigV4. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signingKeyLoader } from '../../../../lambda/oauth/broker/signing-key';

let output: string[] = [];
const logged = () => output.join('');
beforeEach(() => {
  output = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' });

async function fakeSecretsManager(answer: () => { status: number; body: unknown }) {
  const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      const { status, body: out } = answer();
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { seen, endpoint, close: () => new Promise((ok) => server.close(ok)) };
}

test('BROKER_SIGNING_KEY (hex) is used as is, without any call', async () => {
  const load = signingKeyLoader({ brokerSigningKey: { hex: 'ab'.repeat(32) } }, { region: 'eu-west-1', credentials, endpoint: 'http://127.0.0.1:1/' });
  expect((await load()).equals(Buffer.from('ab'.repeat(32), 'hex'))).toBe(true);
});

test('the secret is read once (a signed GetSecretValue), then memoized', async () => {
  const secret = 'x'.repeat(64);
  const fake = await fakeSecretsManager(() => ({ status: 200, body: { SecretString: secret } }));
  try {
    const load = signingKeyLoader({ brokerSigningKey: { secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:k' } }, { region: 'eu-west-1', credentials, endpoint: fake.endpoint });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a.toString()).toBe(secret);
    expect(b).toBe(a);
    await load();
    expect(fake.seen).toHaveLength(1);
    expect(JSON.parse(fake.seen[0].body)).toEqual({ SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:k' });
    expect(fake.seen[0].headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(fake.seen[0].headers['x-amz-security-token']).toBe('session');
    expect(fake.seen[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=[^,]*x-amz-target/);
  } finally {
    await fake.close();
  }
});

test('a failed read is a 503 (cause in the log only) and is not memoized: the next request tries again; a short secret is refused', async () => {
  let status = 400;
  let secret = 'short';
  const fake = await fakeSecretsManager(() => ({ status, body: status === 200 ? { SecretString: secret } : { __type: 'AccessDeniedException', message: 'no' } }));
  try {
    const load = signingKeyLoader({ brokerSigningKey: { secretArn: 'arn' } }, { region: 'eu-west-1', credentials, endpoint: fake.endpoint });
    await expect(load()).rejects.toMatchObject({ statusCode: 503, errorCode: 'temporarily_unavailable' });
    expect(logged()).toContain('AccessDeniedException');
    status = 200;
    await expect(load()).rejects.toMatchObject({ statusCode: 503 });
    expect(logged()).toContain('shorter than 32 bytes');
    secret = 'y'.repeat(40);
    expect((await load()).toString()).toBe(secret);
  } finally {
    await fake.close();
  }
});
