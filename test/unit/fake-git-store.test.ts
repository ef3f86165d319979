// The fake GitHub's folders: each has an id that changes exactly when something below it does.
import { describe, expect, it } from 'vitest';
import { impliedDirectories } from '../../src/dev/fake-github/git-store.js';
import type { TreeEntry } from '../../src/dev/fake-github/git-store.js';

const tree = (files: Record<string, string>): ReadonlyMap<string, TreeEntry> =>
  new Map(
    Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, sha]) => [path, { mode: '100644', sha }]),
  );

describe("the fake's implied folders", () => {
  const base = { '.github/workflows/a.yml': '1', '.github/workflows/b.yml': '2', 'src/x': '3', README: '4' };
  const before = impliedDirectories(tree(base));

  it('lists every folder a path implies, and no file', () => {
    expect([...before.keys()].sort()).toEqual(['.github', '.github/workflows', 'src']);
    for (const id of before.values()) expect(id).toMatch(/^[0-9a-f]{40}$/);
  });

  it("changes a folder's id when a file below it changes, and only then", () => {
    const otherSrc = impliedDirectories(tree({ ...base, 'src/x': '5' }));
    expect(otherSrc.get('src')).not.toBe(before.get('src'));
    expect(otherSrc.get('.github')).toBe(before.get('.github'));
    const otherWorkflow = impliedDirectories(tree({ ...base, '.github/workflows/b.yml': '6' }));
    expect(otherWorkflow.get('.github/workflows')).not.toBe(before.get('.github/workflows'));
    expect(otherWorkflow.get('.github')).not.toBe(before.get('.github'));
    expect(otherWorkflow.get('src')).toBe(before.get('src'));
    // A file beside a folder (a prefix of its name, not below it) is not the folder's.
    const beside = impliedDirectories(tree({ ...base, 'src-other/y': '7', srcfile: '8' }));
    expect(beside.get('src')).toBe(before.get('src'));
  });

  it('gives the same tree the same ids each time it is asked', () => {
    const again = tree(base);
    expect(impliedDirectories(again)).toEqual(before);
    expect(impliedDirectories(again)).toBe(impliedDirectories(again));
  });
});
