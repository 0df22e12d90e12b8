/** The SigV4 signer must produce exactly what the AWS SDK's signer produces. */
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { signRequest } from '../../../lambda/shared/sigv4';

class Sha256 {
  private readonly parts: Buffer[] = [];
  constructor(private readonly secret?: Uint8Array | string) {}
  update(data: Uint8Array | string) {
    this.parts.push(Buffer.from(data as Uint8Array));
  }
  async digest() {
    const data = Buffer.concat(this.parts);
    return new Uint8Array((this.secret !== undefined ? createHmac('sha256', Buffer.from(this.secret as Uint8Array)) : createHash('sha256')).update(data).digest());
  }
}

test.each([
  ['long-term credentials', undefined, 'eu-west-1', 'dynamodb.eu-west-1.amazonaws.com'],
  ['session credentials', 'session-token-value', 'eu-west-1', 'dynamodb.eu-west-1.amazonaws.com'],
  ['session credentials in aws-cn', 'session-token-value', 'cn-north-1', 'dynamodb.cn-north-1.amazonaws.com.cn'],
])('matches @smithy/signature-v4 with %s', async (_name, sessionToken, region, host) => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken };
  const now = new Date('2026-07-28T12:34:56Z');
  const url = new URL(`https://${host}/`);
  const body = JSON.stringify({ TableName: 't', Key: { pk: { S: 'client#abc' } } });
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' };

  const ours = signRequest({ url, region, service: 'dynamodb', credentials, headers, body, now });

  const smithy = new SignatureV4({ credentials, region, service: 'dynamodb', sha256: Sha256 as never, applyChecksum: true });
  const signed = await smithy.sign(
    { method: 'POST', protocol: 'https:', hostname: url.hostname, path: '/', headers: { ...headers, host: url.host, 'x-amz-content-sha256': ours['x-amz-content-sha256'] }, body, query: {} } as never,
    { signingDate: now },
  );
  expect(ours.authorization).toBe((signed as unknown as { headers: Record<string, string> }).headers.authorization);
});
