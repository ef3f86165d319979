// Reads a folder of refs files (the schema of ../shared/corpus/refs) into memory.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepoRefs } from '../resolve/repo-refs.js';

export async function loadRefsDir(dir: string): Promise<RepoRefs[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (name) => {
      const data = JSON.parse(await readFile(join(dir, name), 'utf8')) as RepoRefs;
      if (typeof data.repo !== 'string' || !Array.isArray(data.tags) || !Array.isArray(data.branches)) {
        throw new Error(`${join(dir, name)} is not a refs file (needs repo, tags, branches)`);
      }
      return data;
    }),
  );
}
