// Answers read on a worker thread (parallel/fetch-off-thread.ts), over real HTTP on loopback: only
// requests that ask for it go there; what comes back is the answer as fetch would have given it —
// status, headers, address, a text body — with a successful JSON answer already parsed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PARSE_OFF_THREAD,
  answersOffThreadByDefault,
  fetchOffThread,
  offThreadAnswers,
  parsedBodyOf,
} from '../../src/parallel/fetch-off-thread.js';
import { closeWorkers } from '../../src/parallel/worker-pool.js';
import { loopbackServer } from '../support/loopback-server.js';

const server = loopbackServer((request, body, response) => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  if (request.url === '/echo')
    response
      .writeHead(200, {
        ...json,
        'x-seen-method': request.method ?? '',
        'x-seen-auth': request.headers.authorization ?? '',
      })
      .end(JSON.stringify({ body, text: 'ünïcode ✓', big: 2 ** 53 }));
  else if (request.url === '/plain') response.writeHead(200, { 'content-type': 'text/plain' }).end('just text');
  else if (request.url === '/bad-json') response.writeHead(200, json).end('{"not json');
  else if (request.url === '/null') response.writeHead(200, json).end('null');
  else if (request.url === '/error') response.writeHead(502, json).end('{"message":"Bad gateway"}');
  else if (request.url === '/empty') response.writeHead(204).end();
  else response.writeHead(404).end();
});

let baseUrl = '';
beforeAll(async () => void (baseUrl = await server.start()));
afterAll(() => Promise.all([closeWorkers(), server.stop()]));

const offThread = (init: RequestInit = {}) => ({ ...init, [PARSE_OFF_THREAD]: true }) as RequestInit;
/** A fetch that says where it was called: the requests that stay on this thread. */
const spied = () => {
  const here: string[] = [];
  const base: typeof fetch = async (input, init) => {
    here.push(String(input));
    return fetch(input, init);
  };
  return { here, fetch: fetchOffThread(base) };
};

describe('fetchOffThread', () => {
  it("is the App's way where it has worker threads (PINWARDEN_WORKERS of 2 or more), not with one thread", () => {
    expect(answersOffThreadByDefault({ PINWARDEN_WORKERS: '2' })).toBe(true);
    expect(answersOffThreadByDefault({ PINWARDEN_WORKERS: '1' })).toBe(false);
    expect(answersOffThreadByDefault({ PINWARDEN_WORKERS: '0' })).toBe(false);
  });

  it('sends a request that asks for it from the worker, and hands back its answer parsed', async () => {
    const { here, fetch } = spied();
    const before = offThreadAnswers();
    const response = await fetch(
      `${baseUrl}/echo`,
      offThread({ method: 'POST', body: '{"query":"q"}', headers: { authorization: 'token t' } }),
    );
    expect(here).toEqual([]);
    expect(offThreadAnswers() - before).toBe(1);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${baseUrl}/echo`);
    expect(response.headers.get('x-seen-method')).toBe('POST');
    expect(response.headers.get('x-seen-auth')).toBe('token t');
    expect(parsedBodyOf(response)).toEqual({ value: { body: '{"query":"q"}', text: 'ünïcode ✓', big: 2 ** 53 } });
    // Octokit hands on the body of an answer it does not parse: there is one, empty.
    expect(response.body).not.toBeNull();
  });

  it('hands back a text answer, an answer that is not JSON, and an error status as text', async () => {
    const { fetch } = spied();
    for (const [path, status, text] of [
      ['/plain', 200, 'just text'],
      ['/bad-json', 200, '{"not json'],
      ['/error', 502, '{"message":"Bad gateway"}'],
    ] as const) {
      const response = await fetch(`${baseUrl}${path}`, offThread());
      expect(response.status).toBe(status);
      expect(parsedBodyOf(response)).toBeUndefined();
      expect(await response.text()).toBe(text);
    }
  });

  it('keeps a JSON null apart from no parsed body, and answers without a body', async () => {
    const { fetch } = spied();
    expect(parsedBodyOf(await fetch(`${baseUrl}/null`, offThread()))).toEqual({ value: null });
    const empty = await fetch(`${baseUrl}/empty`, offThread());
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('leaves on this thread what did not ask, and what the worker cannot take', async () => {
    const { here, fetch } = spied();
    const before = offThreadAnswers();
    await fetch(`${baseUrl}/echo`, { method: 'POST', body: '{}' });
    await fetch(`${baseUrl}/echo`, offThread({ method: 'POST', body: '{}', signal: new AbortController().signal }));
    await fetch(`${baseUrl}/echo`, offThread({ method: 'POST', body: new Uint8Array([123, 125]) }));
    await fetch(`${baseUrl}/echo`, offThread({ redirect: 'manual' }));
    expect(here).toHaveLength(4);
    expect(offThreadAnswers()).toBe(before);
  });

  it('rejects when the request cannot be sent', async () => {
    const closed = loopbackServer((_request, _body, response) => response.end());
    const url = await closed.start();
    await closed.stop();
    await expect(spied().fetch(url, offThread())).rejects.toThrow();
  });

  it('keeps many requests in flight at once, each with its own answer', async () => {
    const { fetch } = spied();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        fetch(`${baseUrl}/echo`, offThread({ method: 'POST', body: String(index) })),
      ),
    );
    expect(answers.map((answer) => (parsedBodyOf(answer)?.value as { body: string }).body)).toEqual(
      Array.from({ length: 20 }, (_, index) => String(index)),
    );
  });
});
