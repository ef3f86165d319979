// `npm run fake-registry -- --images FILE [--port N] [--latency-ms N]`: serves the fake registry
// until stopped. Its first line is `listening http://127.0.0.1:PORT`, for scripts to read; point
// pinwarden at it with `--registry-mirror '*=http://127.0.0.1:PORT/{registry}'`.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseImagesFile } from './images-file.js';
import { startFakeRegistry } from './fake-registry-server.js';

const { values } = parseArgs({ options: { images: { type: 'string' }, port: { type: 'string', default: '0' }, 'latency-ms': { type: 'string', default: '0' } } });
if (!values.images) {
  process.stderr.write('usage: fake-registry --images FILE [--port N] [--latency-ms N]\n');
  process.exit(2);
}
const registry = await startFakeRegistry({ images: parseImagesFile(await readFile(values.images, 'utf8')), port: Number(values.port), latencyMs: Number(values['latency-ms']) });
process.stdout.write(`listening ${registry.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const { byKind, total } = registry.counts();
    process.stderr.write(`served ${total} requests: ${JSON.stringify(byKind)}\n`);
    void registry.close().then(() => process.exit(0));
  });
}
