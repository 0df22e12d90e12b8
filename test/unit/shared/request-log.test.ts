/** The access-log wrapper: one line per request with what an operator needs, nothing secret. */
import { setLogLevel } from '../../../lambda/shared/logger';
import { withRequestLog } from '../../../lambda/shared/request-log';
import { httpEvent } from '../../support/http-event';

const secretEvent = () =>
  httpEvent('POST', '/register', {
    headers: { authorization: 'Bearer very-secret-token', 'content-type': 'application/json' },
    body: '{"client_secret":"s3cr3t"}',
  });

function captureStdout(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const written: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  return {
    lines: () => written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line)),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

beforeAll(() => setLogLevel('info'));

test('a request writes one line: part, method, path, status, latency, request id; no headers or body', async () => {
  const capture = captureStdout();
  try {
    const event = secretEvent();
    const result = await withRequestLog('oauth', async () => ({ statusCode: 201, body: '{}' }))(event);
    expect(result.statusCode).toBe(201);
    const lines = capture.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'request', part: 'oauth', method: 'POST', path: '/register', status: 201, requestId: event.requestContext.requestId });
    expect(typeof lines[0].ms).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/very-secret-token|s3cr3t/);
  } finally {
    capture.restore();
  }
});

test('a handler that throws is logged as an error and the error goes on to the caller', async () => {
  const capture = captureStdout();
  try {
    const failing = withRequestLog('mcp', async () => {
      throw new Error('boom');
    });
    await expect(failing(secretEvent())).rejects.toThrow('boom');
    expect(capture.lines()).toEqual([expect.objectContaining({ level: 'error', message: 'request failed', part: 'mcp', errorMessage: 'boom' })]);
  } finally {
    capture.restore();
  }
});
