// The fleet as it runs for real: Debian's redis-server, the fake GitHub serving a 200-repository
// organisation (`fake-github --org-size`), and two replicas of the built server started as the
// container starts it, on a scaled clock (src/dev/local-run/cluster-rollout.ts, as `npm run
// demo:cluster` runs it). The installation webhook goes to one replica; the replica with the most
// runs taken is SIGKILLed mid-rollout and started again. At the end every repository with something to pin has
// exactly one pinwarden pull request, none has two, none was forgotten, and no scaled minute or
// hour saw more writes than GitHub allows an installation. Images are pinned against a loopback registry.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { GITHUB_CONTENT_LIMITS } from '../../src/github/content-budget.js';
import { redisServerPath, waitFor } from '../../src/dev/local-run/cluster.js';
import { rollOutOnCluster } from '../../src/dev/local-run/cluster-rollout.js';
import type { ClusterRollout } from '../../src/dev/local-run/cluster-rollout.js';
import { corpusAvailable, corpusRefsDir, corpusWorkflowsDir, fixturesDir } from '../support/paths.js';

const ORG_SIZE = 200;
// The shared corpus when it is there; the demo's repositories otherwise, so a bare clone runs this too.
const corpus = corpusAvailable ? corpusWorkflowsDir : join(fixturesDir, 'demo', 'repositories');
const refs = corpusAvailable ? corpusRefsDir : join(fixturesDir, 'demo', 'refs');

let rollout: ClusterRollout | undefined;
afterAll(async () => rollout?.stop());

it.skipIf(!redisServerPath())(
  'two replicas on one Redis pin a 200-repository organisation once each, through a SIGKILL',
  async () => {
    rollout = await rollOutOnCluster({ refs, corpus, orgSize: ORG_SIZE, replicas: 2, timeScale: 600, killAfter: 30 });
    const { killed, replicas } = rollout;
    const check = rollout.check!;
    expect(check.expected).toBeGreaterThan(ORG_SIZE / 4);
    expect(rollout.killedAt).toBeLessThan(check.expected);
    expect(rollout.killedRuns).toBeGreaterThan(0);
    // What the replicas logged of a forgotten repository, for whoever reads a failure.
    const logsOf = (repository: string) =>
      [killed!, ...replicas].flatMap((replica) =>
        replica
          .output()
          .split('\n')
          .filter((line) => line.includes(`"${repository}"`))
          .map((line) => line.slice(0, 400)),
      );
    expect(check.forgotten.map((repository) => ({ repository, logs: logsOf(repository) }))).toEqual([]);
    expect(check.unexpected).toEqual([]);
    expect(check.duplicated).toEqual([]);
    expect(check.stray).toEqual([]);
    // GitHub's content limits held for the installation across both replicas and the restart.
    expect(check.writes).toBeGreaterThanOrEqual(3 * check.expected);
    expect(check.mostInMinute).toBeLessThanOrEqual(GITHUB_CONTENT_LIMITS.perMinute);
    expect(check.mostInHour).toBeLessThanOrEqual(GITHUB_CONTENT_LIMITS.perHour);
    expect(check.ok).toBe(true);
    // The images the organisation names (the corpus has some, the demo's repositories none) were
    // asked of the loopback registry: a fleet under test asks no registry on the internet.
    expect(Object.keys(rollout.registry.counts().manifests).length > 0).toBe(corpusAvailable);

    // The operator's view: runs counted by outcome, GitHub requests by kind, readiness that follows
    // Redis — of the replica that ran throughout (the restarted one may have come back to no run left).
    const survivor = replicas.find((replica) => replica !== rollout!.restarted)!;
    const metrics = await (await fetch(`${survivor.url}/metrics`)).text();
    expect(metrics).toMatch(/^pinwarden_runs_total\{outcome="pull-request-created"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^pinwarden_github_requests_total\{kind="graphql"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^pinwarden_github_requests_total\{kind="graphql-mutation"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^pinwarden_content_budget_left\{installation="4242"\} \d+$/m);
    expect((await fetch(`${survivor.url}/ready`)).status).toBe(200);
    await rollout.redis.stop('SIGKILL');
    await waitFor(
      async () => (await fetch(`${survivor.url}/ready`)).status === 503 || undefined,
      () => '/ready to fail without Redis',
      10_000,
    );
  },
  400_000,
);
