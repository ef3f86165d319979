// `npm run fake-registry -- --images FILE [--port N] [--latency-ms N]`: serves the fake registry
// until stopped. Its first line is `listening http://127.0.0.1:PORT`, for scripts to read; point
// pinwarden at it with `--registry-mirror '*=http://127.0.0.1:PORT/{registry}'`.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseImagesFile } from '../../images/registry/images-file.js';
import { startFakeRegistry } from './fake-registry-server.js';
import { serveUntilStopped } from '../serve-until-stopped.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    port: { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' },
  },
});
if (!values.images) {
  process.stderr.write('usage: fake-registry --images FILE [--port N] [--latency-ms N]\n');
  process.exit(2);
}
const registry = await startFakeRegistry({
  images: parseImagesFile(await readFile(values.images, 'utf8')),
  port: Number(values.port),
  latencyMs: Number(values['latency-ms']),
});
serveUntilStopped(registry);
