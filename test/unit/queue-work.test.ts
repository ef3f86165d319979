import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { queueWork } from '../../src/jobs/queue-work.js';
import type { QueueWorkDeps } from '../../src/jobs/queue-work.js';
import type { PendingRun } from '../../src/queue/pending-run.js';

const unused = () => {
  throw new Error('not part of this test');
};

/** The handlers with a kept read that records when it is taken, and a client that records when it is asked. */
function handlersRecording() {
  const asked: string[] = [];
  const deps: QueueWorkDeps = {
    log: pino({ level: 'silent' }),
    client: async () => {
      asked.push('client');
      throw new Error('no installation client in this test');
    },
    jobDeps: unused,
    scanDeps: unused,
    preReads: {
      keep: async () => {},
      take: async (_installationId, repository) => {
        asked.push(`take ${repository}`);
        return undefined;
      },
      forget: async () => {},
    },
    dashboards: undefined,
    backlog: async () => 0,
  };
  return { asked, handlers: queueWork(deps) };
}

const INSTALL_RUN: PendingRun = { trigger: 'install', replies: [], pushed: false };

describe("a run's claim and its kept read", () => {
  it('takes the kept read while the claim is on its way, so both go to Redis at once', async () => {
    const { asked, handlers } = handlersRecording();
    let claim!: (pending: PendingRun | undefined) => void;
    const ran = handlers.run(1, { owner: 'o', name: 'web' }, new Promise((resolve) => (claim = resolve)));
    await Promise.resolve();
    // Before: the read was taken only once the claim had come back, a second round trip after it.
    expect(asked).toEqual(['take o/web']);
    claim(INSTALL_RUN);
    await ran;
    expect(asked).toEqual(['take o/web', 'client']);
  });

  it('does nothing more when nothing was pending, and lets a failed claim fail the job', async () => {
    const { asked, handlers } = handlersRecording();
    await handlers.run(1, { owner: 'o', name: 'web' }, Promise.resolve(undefined));
    expect(asked).toEqual(['take o/web']);
    await expect(
      handlers.run(1, { owner: 'o', name: 'api' }, Promise.reject(new Error('Redis is down'))),
    ).rejects.toThrow('Redis is down');
    expect(asked).toEqual(['take o/web', 'take o/api']);
  });
});
