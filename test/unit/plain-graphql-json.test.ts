// GitHub's GraphQL answers are parsed with JSON.parse (plain-graphql-json.ts), over real HTTP on
// loopback: what a query returns, a partial answer, an error status, and REST left to Octokit.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenOctokit, pinwardenOctokitClass } from '../../src/github/create-octokit.js';
import { partial } from '../../src/github/graphql-batches.js';

const answers: Record<string, { status: number; body: string }> = {
  whole: {
    status: 200,
    // A number beyond 2^53 and a text that looks like one: JSON.parse's answer, not a BigInt.
    body: '{"data":{"r0":{"id":"R_1","stars":12345678901234567890,"text":"say \\"12345678901234567890\\" ✓"}}}',
  },
  partial: {
    status: 200,
    body: '{"data":{"r0":{"id":"R_1"},"r1":null},"errors":[{"type":"NOT_FOUND","path":["r1"],"message":"Could not resolve to a Repository"}]}',
  },
  broken: { status: 502, body: '{"message":"Bad gateway"}' },
};

let baseUrl = '';
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const name = request.url === '/graphql' ? (/query (\w+)/.exec(body)?.[1] ?? '') : 'rest';
    const answer = answers[name] ?? { status: 200, body: '{"full_name":"o/r","id":12345678901234567890}' };
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(answer.body);
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const octokit = () => createTokenOctokit({ token: 't', baseUrl, msPerRetrySecond: 1 });

describe("GitHub's GraphQL answers", () => {
  it('are parsed as JSON.parse parses them, texts intact', async () => {
    const data = await octokit().graphql<{ r0: { id: string; stars: unknown; text: string } }>('query whole { x }');
    expect(data.r0).toEqual({ id: 'R_1', stars: Number('12345678901234567890'), text: 'say "12345678901234567890" ✓' });
    expect(typeof data.r0.stars).toBe('number');
  });

  it('are read as they arrive, before undici may cancel an answer nobody holds', async () => {
    // undici cancels a fetched body once its Response is collected, unless the body is being read;
    // Octokit hands on the body alone, and its retry plugin's Bottleneck passes through timers before
    // the body reaches this plugin. Here the Response is "collected" on the next timer.
    const collected: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      setTimeout(() => {
        if (response.body && !response.body.locked) void response.body.cancel('collected').catch(() => {});
      }, 0);
      return response;
    };
    const Octokit = pinwardenOctokitClass(1);
    const client = new Octokit({ auth: { token: 't' }, baseUrl, request: { fetch: collected } });
    for (let round = 0; round < 5; round += 1)
      expect(await client.graphql('query whole { x }')).toMatchObject({ r0: { id: 'R_1' } });
  });

  it('still throw on a partial answer, keeping what came back', async () => {
    await expect(octokit().graphql('query partial { x }')).rejects.toThrow('Could not resolve to a Repository');
    expect(await partial(octokit(), 'query partial { x }')).toEqual({ r0: { id: 'R_1' }, r1: null });
  });

  it('still throw with the status on an error status', async () => {
    await expect(octokit().graphql('query broken { x }')).rejects.toMatchObject({ status: 502 });
  });

  it('leave REST answers to Octokit, also after a query on the same client', async () => {
    const client = octokit();
    await client.graphql('query whole { x }');
    const { data } = await client.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(data.full_name).toBe('o/r');
    // Octokit's own parsing (json-with-bigint): the query's change of options did not reach it.
    expect(typeof data.id).toBe('bigint');
  });
});
