// `npm run demo:cluster`: the fleet on this machine. Redis, the fake GitHub with a 200-repository
// organisation, two replicas started as the container starts them; the installation webhook; one
// replica SIGKILLed mid-rollout and started again; then the outcome, checked through the fake's
// REST API. Needs Debian's redis-server (apt-get install redis-server).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { redisServerPath } from '../local-run/cluster.js';
import { rollOutOnCluster } from '../local-run/cluster-rollout.js';

const root = join(import.meta.dirname, '..', '..', '..');
const shared = join(root, '..', 'shared', 'corpus');
const fromCorpus = existsSync(join(shared, 'workflows')) && existsSync(join(shared, 'refs'));
if (!redisServerPath()) {
  process.stderr.write(
    'demo:cluster needs redis-server: apt-get install redis-server (or set PINWARDEN_REDIS_SERVER)\n',
  );
  process.exit(2);
}
const say = (line: string) => process.stdout.write(`${line}\n`);
say(
  fromCorpus
    ? 'organisation drawn from ../shared/corpus'
    : 'no ../shared/corpus here: organisation drawn from fixtures/demo',
);
const rollout = await rollOutOnCluster({
  refs: fromCorpus ? join(shared, 'refs') : join(root, 'fixtures', 'demo', 'refs'),
  corpus: fromCorpus ? join(shared, 'workflows') : join(root, 'fixtures', 'demo', 'repositories'),
  orgSize: 200,
  replicas: 2,
  timeScale: 600,
  killAfter: 30,
  say,
});
const check = rollout.check!;
say(
  `rollout done in ${(rollout.rolloutMs / 1000).toFixed(1)} s (scaled: GitHub's hour is ${((3600 * Math.round(1000 / 600)) / 1000).toFixed(1)} s here)`,
);
say(
  `${check.expected} repositories to pin; forgotten ${check.forgotten.length}, unexpected ${check.unexpected.length}, with two pull requests ${check.duplicated.length}, stray ${check.stray.length}`,
);
say(
  `${check.writes} writes; the most in one scaled minute ${check.mostInMinute} (GitHub allows 80), in one scaled hour ${check.mostInHour} (500)`,
);
say(
  check.ok
    ? 'OK: every repository with something to pin has exactly one pinwarden pull request'
    : `NOT OK: ${JSON.stringify(check)}`,
);
await rollout.stop();
process.exit(check.ok ? 0 : 1);
