// The whole-process floor: read every workflow and action file under a folder and parse each
// once with the `yaml` package pinwarden uses. Nothing else is loaded.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

const root = process.argv[2];
if (!root) throw new Error('usage: read-and-parse DIR');
const entries = await readdir(root, { recursive: true, withFileTypes: true });
const paths = entries
  .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
  .map((entry) => join(entry.parentPath, entry.name));
let errors = 0;
await Promise.all(
  paths.map(async (path) => {
    if (parseDocument(await readFile(path, 'utf8')).errors.length > 0) errors += 1;
  }),
);
process.stdout.write(`${paths.length} files parsed, ${errors} with errors\n`);
