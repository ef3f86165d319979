// `npm run fake-github -- --refs DIR [--org-size N [--seed S] [--corpus DIR]] [--advisories FILE] [--port N] [--latency-ms N] [--secondary-limits MS] [--replay-reads]`:
// serves the fake GitHub until stopped. Its first line is `listening http://127.0.0.1:PORT`, for
// scripts to read. With --org-size it also serves an installation of N repositories synthesised
// from the corpus (../shared/corpus/workflows unless --corpus names another folder of repositories),
// as the benchmark does, and its second line is `installation <id> <owner login>`. The server
// reaches it as it reaches GitHub Enterprise: GHE_HOST=127.0.0.1:PORT GHE_PROTOCOL=http. With
// --secondary-limits MS it enforces GitHub's secondary rate limits on a clock of MS ms a GitHub second.
// With --replay-reads a GraphQL read asked again is answered from its first answer's bytes until a
// write (replayed-reads.ts): benchmarks then measure pinwarden's work, not the fake's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAdvisoriesFile } from '../../audit/advisories-file.js';
import { createFakeState, seedRepository, toFakeAdvisories } from './fake-state.js';
import { startFakeGitHub } from './fake-github-server.js';
import { loadRefsDir } from '../../cli/load-refs.js';
import { serveUntilStopped } from '../serve-until-stopped.js';
import { INSTALLATION_ID } from './fake-state.js';
import { ORG, synthesizeOrg } from './synthesize-org.js';

const USAGE =
  'usage: fake-github --refs DIR [--org-size N [--seed S] [--corpus DIR]] [--advisories FILE] [--port N] [--latency-ms N] [--secondary-limits MS] [--replay-reads]\n';
const { values } = parseArgs({
  options: {
    refs: { type: 'string' },
    advisories: { type: 'string' },
    port: { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' },
    'secondary-limits': { type: 'string' },
    'replay-reads': { type: 'boolean', default: false },
    'org-size': { type: 'string' },
    seed: { type: 'string', default: '1' },
    corpus: { type: 'string', default: join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'workflows') },
  },
});
const whole = (name: string, value: string | undefined) => {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    process.stderr.write(`fake-github: --${name} must be a whole number, not "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return number;
};
if (!values.refs) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const refs = loadRefsDir(values.refs);
const advisories =
  values.advisories === undefined
    ? []
    : toFakeAdvisories(parseAdvisoriesFile(await readFile(values.advisories, 'utf8')));
const state = createFakeState(refs, { advisories });
const orgSize = values['org-size'] === undefined ? undefined : whole('org-size', values['org-size']);
if (orgSize !== undefined) {
  const org = await synthesizeOrg({
    repos: orgSize,
    seed: whole('seed', values.seed),
    corpusDir: values.corpus,
    refs,
  }).catch((error: unknown) => {
    process.stderr.write(
      `fake-github: the corpus at ${values.corpus} could not be read (${(error as Error).message}); name one with --corpus\n`,
    );
    process.exit(2);
  });
  for (const repository of org)
    seedRepository(state, {
      fullName: `${repository.owner}/${repository.name}`,
      files: repository.files,
      archived: repository.archived,
    });
}
const fake = await startFakeGitHub({
  state,
  port: whole('port', values.port),
  latencyMs: whole('latency-ms', values['latency-ms']),
  replayReads: values['replay-reads'],
  ...(values['secondary-limits'] === undefined
    ? {}
    : { secondaryLimitsMsPerSecond: whole('secondary-limits', values['secondary-limits']) }),
});
serveUntilStopped(fake, orgSize !== undefined ? [`installation ${INSTALLATION_ID} ${ORG}`] : []);
