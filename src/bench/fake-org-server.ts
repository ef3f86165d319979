// The benchmark's GitHub, in a process of its own so that the runners' memory is their own:
// the fake GitHub with the corpus refs and a synthetic org. First line: `listening URL`.
import { parseArgs } from 'node:util';
import { createFakeState, seedRepository } from '../fake-github/fake-state.js';
import { startFakeGitHub } from '../fake-github/fake-github-server.js';
import { loadRefsDir } from '../fake-github/load-refs.js';
import { synthesizeOrg } from './synthesize-org.js';

const { values } = parseArgs({
  options: { repos: { type: 'string' }, seed: { type: 'string' }, corpus: { type: 'string' }, refs: { type: 'string' }, 'latency-ms': { type: 'string', default: '0' } },
});
const refs = await loadRefsDir(values.refs!);
const org = await synthesizeOrg({ repos: Number(values.repos), seed: Number(values.seed), corpusDir: values.corpus!, refs });
const state = createFakeState(refs);
for (const repository of org) seedRepository(state, { fullName: `${repository.owner}/${repository.name}`, files: repository.files, archived: repository.archived });
const fake = await startFakeGitHub({ state, latencyMs: Number(values['latency-ms']) });
process.stdout.write(`listening ${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
