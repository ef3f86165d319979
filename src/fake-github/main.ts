// `npm run fake-github -- --refs DIR [--advisories FILE] [--port N] [--latency-ms N]`: serves the fake GitHub until
// stopped. Its first line is `listening http://127.0.0.1:PORT`, for scripts to read.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseAdvisoriesFile } from '../audit/advisories-file.js';
import { toFakeAdvisories } from './fake-state.js';
import { createFakeState } from './fake-state.js';
import { startFakeGitHub } from './fake-github-server.js';
import { loadRefsDir } from './load-refs.js';
import { serveUntilStopped } from '../local-run/serve-until-stopped.js';

const { values } = parseArgs({
  options: { refs: { type: 'string' }, advisories: { type: 'string' }, port: { type: 'string', default: '0' }, 'latency-ms': { type: 'string', default: '0' } },
});
if (!values.refs) {
  process.stderr.write('usage: fake-github --refs DIR [--advisories FILE] [--port N] [--latency-ms N]\n');
  process.exit(2);
}
const advisories = values.advisories === undefined ? [] : toFakeAdvisories(parseAdvisoriesFile(await readFile(values.advisories, 'utf8')));
const fake = await startFakeGitHub({ state: createFakeState(await loadRefsDir(values.refs), { advisories }), port: Number(values.port), latencyMs: Number(values['latency-ms']) });
serveUntilStopped(fake);
