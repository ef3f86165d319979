// The webhook edge on its own: what it refuses, with which status, and what it logs of it.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRefusalLog } from '../../src/server/refusal-log.js';
import { startWebhookServer } from '../../src/server/webhook-server.js';
import type { WebhookServer } from '../../src/server/webhook-server.js';
import { streamBody } from '../support/server-process.js';

const SECRET = 'edge-secret';
let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(limits: { maxBodyBytes?: number; maxPendingBytes?: number; slowSenderGraceMs?: number } = {}) {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'trace' },
    new Writable({
      write: (chunk: Buffer, _encoding, done) => (
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>),
        done()
      ),
    }),
  );
  const received: { id: string; name: string; payload: unknown }[] = [];
  server = await startWebhookServer({
    probot: { receive: async (event) => void received.push(event as never) },
    secret: SECRET,
    host: '127.0.0.1',
    port: 0,
    log,
    ...limits,
  });
  return { lines, received, url: `${server.url}/api/github/webhooks`, port: server.port };
}

function signed(body: string, secret = SECRET) {
  return {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': 'd-1',
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

describe('the webhook edge', () => {
  it('hands a signed JSON object to Probot and answers 200', async () => {
    const { received, url } = await start();
    const response = await fetch(url, { method: 'POST', headers: signed('{"zen":"ok"}'), body: '{"zen":"ok"}' });
    expect(response.status).toBe(200);
    expect(received).toEqual([{ id: 'd-1', name: 'push', payload: { zen: 'ok' } }]);
  });

  it('a signed body that is not a JSON object (null, a list, not JSON) is a 400, never reaching Probot', async () => {
    const { received, url } = await start();
    for (const body of ['null', '[]', '"text"', '{"unclosed"']) {
      const response = await fetch(url, { method: 'POST', headers: signed(body), body });
      expect(response.status, body).toBe(400);
    }
    expect(received).toEqual([]);
  });

  it('a bad signature is a 401 logged as one warning line, without a stack trace', async () => {
    const { lines, received, url } = await start();
    const response = await fetch(url, { method: 'POST', headers: signed('{}', 'wrong'), body: '{}' });
    expect(response.status).toBe(401);
    expect(received).toEqual([]);
    const refusals = lines.filter((line) => line.level !== 30);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      level: 40,
      msg: 'webhook refused',
      status: 401,
      reason: 'signature does not match',
    });
    expect(JSON.stringify(refusals[0])).not.toContain('stack');
  });

  it('missing or malformed headers are refused before the body is read', async () => {
    const { url } = await start();
    const cases: [Record<string, string>, number][] = [
      [{ 'content-type': 'text/plain' }, 415],
      [{ 'x-github-event': '' }, 400],
      [{ 'x-github-event': 'push\u0000' }, 400],
      [{ 'x-github-delivery': '' }, 400],
      [{ 'x-hub-signature-256': 'sha1=abc' }, 401],
    ];
    for (const [override, status] of cases) {
      const headers = Object.fromEntries(
        Object.entries({ ...signed('{}'), ...override }).filter(([, value]) => value !== ''),
      );
      const response = await fetch(url, { method: 'POST', headers, body: '{}' }).catch(() => undefined);
      // fetch itself refuses a NUL in a header: nothing reaches the server then.
      if (response) expect(response.status, JSON.stringify(override)).toBe(status);
    }
  });

  it('a body over the limit is a 413, declared or streamed; bodies together over the pool are a 503', async () => {
    const { port } = await start({ maxBodyBytes: 3 * 1024 * 1024, maxPendingBytes: 4 * 1024 * 1024 });
    expect(await streamBody(port, 5 * 1024 * 1024, { contentLength: true })).toBe(413);
    expect(await streamBody(port, 5 * 1024 * 1024)).toBe(413);
    // Two senders hold 1.5 MiB each without finishing; a third body does not fit beside them.
    const holders = [1, 2].map(() => {
      const held = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/github/webhooks',
        headers: signed('{}'),
      });
      held.on('error', () => {});
      held.write(Buffer.alloc(1.5 * 1024 * 1024, 0x20));
      return held;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await streamBody(port, 2 * 1024 * 1024)).toBe(503);
    for (const held of holders) held.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // What they held is given back: the same body is read (and refused only for its signature).
    expect(await streamBody(port, 2 * 1024 * 1024)).toBe(401);
  });

  it('two unsigned senders that send most of a body and stall cannot starve a signed delivery', async () => {
    const { url, port, received } = await start({
      maxBodyBytes: 3 * 1024 * 1024,
      maxPendingBytes: 4 * 1024 * 1024,
      slowSenderGraceMs: 400,
    });
    const holders = [1, 2].map(() => {
      const held = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/github/webhooks',
        headers: { ...signed('{}'), 'content-length': String(3 * 1024 * 1024) },
      });
      held.on('error', () => {});
      held.write(Buffer.alloc(1.9 * 1024 * 1024, 0x20));
      return held;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const body = JSON.stringify({ padding: 'p'.repeat(512 * 1024) });
    expect((await fetch(url, { method: 'POST', headers: signed(body), body })).status).toBe(503);
    // Past the grace the stalled bodies are cut off and what they held is given back.
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect((await fetch(url, { method: 'POST', headers: signed(body), body })).status).toBe(200);
    expect(received).toHaveLength(1);
    for (const held of holders) held.destroy();
  });

  it('answers 503 at once when the work cannot be queued, and when a handler does not finish in time', async () => {
    let reason: string | undefined = 'Redis is not connected (reconnecting); the work could not be queued';
    let hang = false;
    const received: unknown[] = [];
    const log = pino({ level: 'silent' });
    server = await startWebhookServer({
      probot: {
        receive: async (event) => {
          received.push(event);
          if (hang) await new Promise(() => undefined);
        },
      },
      secret: SECRET,
      host: '127.0.0.1',
      port: 0,
      log,
      accepting: () => reason,
      handlerTimeoutMs: 200,
    });
    const url = `${server.url}/api/github/webhooks`;
    const refused = await fetch(url, { method: 'POST', headers: signed('{}'), body: '{}' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(received).toHaveLength(0);
    reason = undefined;
    expect((await fetch(url, { method: 'POST', headers: signed('{}'), body: '{}' })).status).toBe(200);
    hang = true;
    const late = await fetch(url, { method: 'POST', headers: signed('{}'), body: '{}' });
    expect(late.status).toBe(503);
    expect(await late.json()).toEqual({ error: 'the handler did not finish within 200 ms' });
  });

  it('answers /ping while a slow sender holds a body open', async () => {
    const { url, port } = await start();
    const controller = new AbortController();
    const slow = fetch(url, {
      method: 'POST',
      headers: signed('{}'),
      body: new ReadableStream({ start: (stream) => void stream.enqueue(new TextEncoder().encode('{"a":')) }),
      duplex: 'half',
      signal: controller.signal,
    } as RequestInit).catch(() => undefined);
    const response = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(await response.text()).toBe('PONG');
    controller.abort();
    await slow;
  });
});

describe('refusal log', () => {
  it('logs at most N refusals a window, then says how many it left out', () => {
    const logged: [Record<string, unknown>, string][] = [];
    let now = 0;
    const refuse = createRefusalLog(
      { warn: (fields, message) => void logged.push([fields, message]) },
      { perWindow: 3, windowMs: 1_000, now: () => now },
    );
    for (let index = 0; index < 10; index += 1)
      refuse({ status: 401, reason: 'signature does not match', remote: '203.0.113.9' });
    expect(logged).toHaveLength(3);
    now = 1_000;
    refuse({ status: 401, reason: 'signature does not match', remote: '203.0.113.9' });
    expect(logged).toHaveLength(5);
    expect(logged[3]).toEqual([{ suppressed: 7 }, '7 more webhook requests were refused and not logged']);
    expect(logged[4]![1]).toBe('webhook refused');
  });
});
