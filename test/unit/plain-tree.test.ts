// The fast path (yaml/plain-tree.ts) against the full parse: on every fixture, on hand-made edge
// cases and on thousands of mutated fixtures, locate gives exactly what the full parse gives —
// the fast path agrees or stands aside. And it is taken where it should be, or it would be no path.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { plainTree } from '../../src/yaml/plain-tree.js';
import { fixturesDir } from '../support/paths.js';
import { mutate, random } from '../support/yaml-mutations.js';

const golden = readdirSync(join(fixturesDir, 'golden'))
  .filter((name) => name.endsWith('.before.yml'))
  .map((name) => ({
    name,
    text: readFileSync(join(fixturesDir, 'golden', name), 'utf8'),
    kind: name.startsWith('action') ? ('action' as const) : ('workflow' as const),
  }));

const options = { stringKeys: new Set(['uses']) };

function agree(text: string, kind: 'workflow' | 'action'): void {
  expect(locateUsesSites(text, kind)).toEqual(locateUsesSites(text, kind, { fastPath: false }));
}

describe('the plain-tree fast path', () => {
  it('is taken for plain workflows and stands aside for anchors, aliases, tags, merges, multi-line flow collections and directives', () => {
    const plain =
      'on: push\njobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4 # pinned? no\n      - run: |\n          echo "#hi"\n';
    expect(plainTree(plain, options)).toBeDefined();
    expect(
      plainTree(
        'on:\n  push:\n    branches: [ main, "release/*" ]\njobs:\n  a:\n    steps:\n      - {uses: a/b@v1, with: {x: [1, 2]}}\n',
        options,
      ),
    ).toBeDefined();
    for (const text of [
      'jobs: &j\n  a:\n    steps: []\n',
      'x: &a 1\ny: *a\n',
      'jobs:\n  a: !!map\n    steps:\n      - uses: a/b@v1\n',
      'base: &b\n  uses: a/b@v1\njobs:\n  a:\n    <<: *b\n',
      'jobs: {a: {steps: [\n  {uses: a/b@v1}]}}\n',
      'a: [b, ]\n',
      'a: [b: c]\n',
      'a: {b, c: d}\n',
      'a: {b: 1, b: 2}\n',
      '%YAML 1.1\n---\njobs: {}\n',
      'a: 1\na: 2\n',
      "a: 1\n'a': 2\n",
      'a:\n\tb: 1\n',
      'a: "x"#c\n',
      'jobs:\n  a:\n    steps:\n      - uses:\n',
      'jobs:\n  a:\n    steps:\n      - uses: ~\n',
      '1: x\n',
      'a: 1\n---\nb: 2\n',
      '- a\n',
    ])
      expect(plainTree(text, options), text).toBeUndefined();
  });

  it('gives what the full parse gives on every golden fixture', () => {
    expect(golden.length).toBeGreaterThan(5);
    for (const file of golden) agree(file.text, file.kind);
    expect(golden.filter((file) => plainTree(file.text, options)).length).toBeGreaterThan(2);
  });

  it('gives what the full parse gives on 3,000 mutated fixtures, taking the fast path on many', () => {
    const next = random(7);
    let fast = 0;
    let unreadable = 0;
    for (let round = 0; round < 3000; round += 1) {
      const file = golden[round % golden.length]!;
      let text = file.text;
      for (let count = 1 + Math.floor(next() * 3); count > 0; count -= 1) text = mutate(text, next);
      if (plainTree(text, options)) fast += 1;
      const full = locateUsesSites(text, file.kind, { fastPath: false });
      if (!full.ok) unreadable += 1;
      expect(locateUsesSites(text, file.kind), text).toEqual(full);
    }
    expect(fast).toBeGreaterThan(300);
    expect(unreadable).toBeGreaterThan(300);
  });
});
