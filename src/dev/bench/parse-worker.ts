// Runs in a worker thread for the core benchmark's ceiling: parses each text it is sent once with
// `parseDocument`, nothing else, and answers how many it parsed.
import { parentPort } from 'node:worker_threads';
import { parseDocument } from 'yaml';

parentPort?.on('message', (texts: readonly string[]) => {
  for (const text of texts) parseDocument(text);
  parentPort?.postMessage(texts.length);
});
