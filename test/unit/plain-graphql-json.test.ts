// GitHub's GraphQL answers are parsed with JSON.parse (plain-graphql-json.ts), over real HTTP on
// loopback: what a query returns, a partial answer, an error status, and REST left to Octokit —
// read on this thread, and read and parsed on a worker thread (the App's way).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinwardenOctokitClass } from '../../src/github/create-octokit.js';
import { partial } from '../../src/github/graphql-batches.js';
import { offThreadAnswers } from '../../src/parallel/fetch-off-thread.js';
import { closeWorkers } from '../../src/parallel/worker-pool.js';
import { loopbackServer } from '../support/loopback-server.js';

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

const server = loopbackServer((request, body, response) => {
  const name = request.url === '/graphql' ? (/query (\w+)/.exec(body)?.[1] ?? '') : 'rest';
  const answer = answers[name] ?? { status: 200, body: '{"full_name":"o/r","id":12345678901234567890}' };
  response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(answer.body);
});

let baseUrl = '';
beforeAll(async () => void (baseUrl = await server.start()));
afterAll(() => Promise.all([closeWorkers(), server.stop()]));

describe.each([
  { where: 'on this thread', answersOffThread: false },
  { where: 'on a worker thread', answersOffThread: true },
])("GitHub's GraphQL answers, read $where", ({ answersOffThread }) => {
  const octokit = () => new (pinwardenOctokitClass(1, { answersOffThread }))({ auth: { token: 't' }, baseUrl });
  /** The worker read exactly the queries (the REST request stays here), or none without the option. */
  const readOffThread = async (work: () => Promise<unknown>, queries: number) => {
    const before = offThreadAnswers();
    await work().catch(() => undefined);
    expect(offThreadAnswers() - before).toBe(answersOffThread ? queries : 0);
  };

  it('are parsed as JSON.parse parses them, texts intact', async () => {
    const data = await octokit().graphql<{ r0: { id: string; stars: unknown; text: string } }>('query whole { x }');
    expect(data.r0).toEqual({ id: 'R_1', stars: Number('12345678901234567890'), text: 'say "12345678901234567890" ✓' });
    expect(typeof data.r0.stars).toBe('number');
    await readOffThread(() => octokit().graphql('query whole { x }'), 1);
  });

  it('still throw on a partial answer, keeping what came back', async () => {
    await expect(octokit().graphql('query partial { x }')).rejects.toThrow('Could not resolve to a Repository');
    expect(await partial(octokit(), 'query partial { x }')).toEqual({ r0: { id: 'R_1' }, r1: null });
    await readOffThread(() => partial(octokit(), 'query partial { x }'), 1);
  });

  it('still throw with the status and message on an error status', async () => {
    await expect(octokit().graphql('query broken { x }')).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('Bad gateway') as unknown,
    });
    // Octokit's retry plugin asks again after a 5xx: each ask is read on the worker.
    const before = offThreadAnswers();
    await octokit()
      .graphql('query broken { x }')
      .catch(() => undefined);
    expect(offThreadAnswers() - before).toBe(answersOffThread ? 4 : 0);
  });

  it('leave REST answers to Octokit, also after a query on the same client', async () => {
    const client = octokit();
    await client.graphql('query whole { x }');
    const { data } = await client.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(data.full_name).toBe('o/r');
    // Octokit's own parsing (json-with-bigint): the query's change of options did not reach it.
    expect(typeof data.id).toBe('bigint');
    await readOffThread(() => client.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' }), 0);
  });
});

describe('An Octokit handed its own fetch', () => {
  it('reads each answer as it arrives, before undici may cancel an answer nobody holds, on this thread', async () => {
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
    // The fetch handed in is the one used, also where the App would read answers on a worker.
    const Octokit = pinwardenOctokitClass(1, { answersOffThread: true });
    const client = new Octokit({ auth: { token: 't' }, baseUrl, request: { fetch: collected } });
    const before = offThreadAnswers();
    for (let round = 0; round < 5; round += 1)
      expect(await client.graphql('query whole { x }')).toMatchObject({ r0: { id: 'R_1' } });
    expect(offThreadAnswers()).toBe(before);
  });
});
