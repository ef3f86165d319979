// Every environment variable the code reads is in a README table: operators configure from it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

it('documents every environment variable the code reads', () => {
  const read = new Set<string>();
  for (const text of sources(join(repoRoot, 'src'))) {
    for (const match of text.matchAll(
      /\b(?:process\.env|io\.env|env)(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g,
    ))
      read.add((match[1] ?? match[2])!);
    for (const match of text.matchAll(/\b(?:wholeNumber|positiveInteger)\('([A-Z][A-Z0-9_]*)'/g)) read.add(match[1]!);
    // The app's private key is read through @probot/get-private-key, which takes these two.
    if (text.includes('getPrivateKey(')) ['PRIVATE_KEY', 'PRIVATE_KEY_PATH'].forEach((name) => read.add(name));
  }
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const documented = new Set(
    readme
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .flatMap((line) => [...line.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!)),
  );
  expect(read.size).toBeGreaterThan(15);
  expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
});
