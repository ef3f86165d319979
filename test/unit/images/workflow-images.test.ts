// A workflow's images read from the tree its `uses:` came from (images/locate-workflow-file.ts),
// and moved by a proved pin of its `uses:` (images/images-after-edits.ts), against the image
// pass's own reading of the text (a full `parseAllDocuments` of its own): equal on hand-made
// cases, on the image fixtures and on thousands of mutations of them; the fast path and the full
// parse agree; and an image on a line an edit touches is read again, never moved by guesswork.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagesAfterEdits } from '../../../src/images/images-after-edits.js';
import { locateImageFile } from '../../../src/images/locate-image-file.js';
import { pinnedAsImageFile } from '../../../src/plan/pin-files.js';
import { rewriteFile } from '../../../src/plan/rewrite-file.js';
import { refKey } from '../../../src/resolve/types.js';
import type { RefKey, Resolution } from '../../../src/resolve/types.js';
import { locateWorkflowFile } from '../../../src/images/locate-workflow-file.js';
import type { FileKind } from '../../../src/workflow/types.js';
import { fixturesDir } from '../../support/paths.js';
import { mutate, random } from '../../support/yaml-mutations.js';

const CASES: { kind: FileKind; text: string }[] = [
  {
    kind: 'workflow',
    text: 'on: push\njobs:\n  a:\n    container: node:20 # the runtime\n    services:\n      db:\n        image: "postgres:16"\n      cache: {image: \'redis:7\'}\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker://alpine:3.20\n',
  },
  {
    kind: 'workflow',
    text: 'jobs:\n  a:\n    container:\n      image: ghcr.io/acme/linter:latest\n      options: --user 1001\n    steps:\n      - run: |\n          echo "image: not/an-image:1"\n',
  },
  {
    kind: 'workflow',
    text: 'jobs:\n  a:\n    services:\n      one:\n        image: &pg postgres:15\n      two:\n        image: *pg\n    steps: [{uses: actions/checkout@v4}]\n',
  },
  {
    kind: 'workflow',
    text: 'jobs:\n  a:\n    container: |\n      node:20\n    steps:\n      - uses: actions/setup-node@v4\n',
  },
  {
    kind: 'workflow',
    text: 'jobs:\n  a:\n    container: |\n      node:20\n      # not a comment\n    steps:\n      - uses: actions/setup-node@v4\n',
  },
  {
    kind: 'workflow',
    text: 'jobs:\n  a:\n    container: ${{ matrix.image }}\n  b:\n    container: 12\n  c:\n    container:\n  d:\n    container: ""\n  e:\n    services:\n      x:\n        image: null\n',
  },
  { kind: 'workflow', text: 'jobs: {a: {container: "node:20", steps: [{uses: actions/checkout@v4}]}}\n' },
  { kind: 'action', text: "name: x\nruns:\n  using: docker\n  image: 'docker://alpine:3.20'\n" },
  { kind: 'action', text: 'name: x\nruns:\n  using: docker\n  image: Dockerfile\n' },
  {
    kind: 'action',
    text: 'runs:\n  using: composite\n  steps:\n    - uses: docker://busybox:1.36\n    - uses: actions/cache@v4\n',
  },
  {
    kind: 'workflow',
    text: readFileSync(join(fixturesDir, 'images', 'repo', '.github', 'workflows', 'ci.yml'), 'utf8'),
  },
  {
    kind: 'workflow',
    text: readFileSync(join(fixturesDir, 'demo', 'sample-repo', '.github', 'workflows', 'ci.yml'), 'utf8'),
  },
];

/** Both readings of one text agree: the images from the `uses:` tree, and the image pass's own. */
function agree(text: string, kind: FileKind): boolean {
  const located = locateWorkflowFile(text, kind);
  expect(located, text).toEqual(locateWorkflowFile(text, kind, { fastPath: false }));
  expect(locateImageFile({ path: 'f.yml', kind, text, uses: located }), text).toEqual(
    locateImageFile({ path: 'f.yml', kind, text }),
  );
  return located.ok && located.images !== undefined;
}

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const resolutions = new Map<RefKey, Resolution>(
  ['checkout', 'setup-node', 'cache'].map((repo) => [
    refKey({ owner: 'actions', repo, ref: 'v4' }),
    {
      status: 'resolved',
      sha: SHA,
      tag: 'v4.1.1',
      refType: 'tag',
      tagsOnCommit: ['v4.1.1'],
      ambiguous: false,
    } as unknown as Resolution,
  ]),
);

/** Pins the file's `uses:`; gives what the image pass is handed, and what it reads on the new text. */
function pinUses(text: string, kind: FileKind) {
  const located = locateWorkflowFile(text, kind);
  if (!located.ok) throw new Error(located.error);
  const result = {
    path: 'f.yml',
    original: text,
    ...rewriteFile({ text, references: located.references, resolutions }),
  };
  if (result.status !== 'rewritten') throw new Error(`not rewritten: ${result.status}`);
  const handed = pinnedAsImageFile(result, { kind, located })!;
  return { located, result, handed, fresh: locateImageFile({ path: 'f.yml', kind, text: result.text }) };
}

describe('images read with the `uses:`', () => {
  it('are what the image pass reads on its own, on every case and fixture, from the same tree', () => {
    let fromTree = 0;
    for (const { text, kind } of CASES) if (agree(text, kind)) fromTree += 1;
    expect(fromTree).toBe(CASES.length);
    const found = CASES.flatMap(({ text, kind }) => {
      const located = locateImageFile({ path: 'f.yml', kind, text, uses: locateWorkflowFile(text, kind) });
      return located.ok ? located.images.map((image) => image.site.written) : [];
    });
    const oneLineBlock = pinUses(CASES[3]!.text, 'workflow');
    expect(oneLineBlock.handed.uses?.ok && oneLineBlock.handed.uses.images?.length).toBe(1);
    expect(locateImageFile(oneLineBlock.handed)).toEqual(oneLineBlock.fresh);
    expect(found).toEqual(
      expect.arrayContaining([
        'node:20',
        'postgres:16',
        'redis:7',
        'alpine:3.20',
        'ghcr.io/acme/linter:latest',
        'postgres:15',
        'busybox:1.36',
      ]),
    );
  });

  it('are what the image pass reads on its own on 2,000 mutated cases', () => {
    const next = random(23);
    let withImages = 0;
    for (let round = 0; round < 2000; round += 1) {
      const { text, kind } = CASES[Math.floor(next() * CASES.length)]!;
      if (agree(mutate(text, next), kind)) withImages += 1;
    }
    expect(withImages).toBeGreaterThan(700);
  });

  it('are used as given: the image pass parses nothing more', () => {
    const given = locateWorkflowFile(CASES[0]!.text, 'workflow');
    expect(locateImageFile({ path: 'f.yml', kind: 'workflow', text: 'jobs: [', uses: given })).toEqual(
      locateImageFile({ path: 'f.yml', kind: 'workflow', text: CASES[0]!.text }),
    );
  });
});

describe('images after the `uses:` were pinned', () => {
  it('are moved by the edits, not read again, and equal reading the new text', () => {
    const { handed, fresh, located } = pinUses(CASES[0]!.text, 'workflow');
    expect(handed.uses?.ok && handed.uses.images).toBeTruthy();
    expect(locateImageFile(handed)).toEqual(fresh);
    // Images before the pinned line keep their offsets; the next case has one after it, which moves.
    const before = located.ok
      ? located.images!.map((image) => image.site.edit?.how === 'scalar' && image.site.edit.site.valueStart)
      : [];
    const after = handed.uses?.ok
      ? handed.uses.images!.map((image) => image.site.edit?.how === 'scalar' && image.site.edit.site.valueStart)
      : [];
    expect(after).toEqual(before);
    const action = pinUses(CASES[9]!.text, 'action');
    expect(action.handed.uses?.ok && action.handed.uses.images).toBeTruthy();
    expect(locateImageFile(action.handed)).toEqual(action.fresh);
    const laterImage =
      'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n  b:\n    container: node:20 # runtime\n';
    const moved = pinUses(laterImage, 'workflow');
    const site = (located: ReturnType<typeof locateImageFile>) =>
      located.ok && located.images[0]!.site.edit?.how === 'scalar' ? located.images[0]!.site.edit.site.valueStart : -1;
    expect(site(locateImageFile(moved.handed))).toBeGreaterThan(
      site(locateImageFile({ path: 'f.yml', kind: 'workflow', text: laterImage })),
    );
    expect(locateImageFile(moved.handed)).toEqual(moved.fresh);
  });

  it('are read again when a block scalar holds one, or when the rewrite was not proved (a flow collection)', () => {
    const block = pinUses(CASES[4]!.text, 'workflow');
    expect(block.handed.uses?.ok && block.handed.uses.references.length).toBe(1);
    expect(block.handed.uses?.ok && block.handed.uses.images).toBeUndefined();
    expect(locateImageFile(block.handed)).toEqual(block.fresh);
    const flow = pinUses(CASES[6]!.text, 'workflow');
    expect(flow.handed.uses).toBeUndefined();
    expect(locateImageFile(flow.handed)).toEqual(flow.fresh);
  });

  it('are given up, not guessed, when an edit touches their line', () => {
    const text = 'jobs:\n  a:\n    container: node:20\n';
    const located = locateWorkflowFile(text, 'workflow');
    const images = located.ok ? located.images! : [];
    const lineStart = text.indexOf('    container');
    const lineEnd = text.indexOf('\n', lineStart);
    expect(imagesAfterEdits(images, [{ start: lineEnd, end: lineEnd, text: ' # a comment' }])).toBeUndefined();
    expect(imagesAfterEdits(images, [{ start: lineStart + 2, end: lineStart + 3, text: '' }])).toBeUndefined();
    const moved = imagesAfterEdits(images, [{ start: lineStart - 1, end: lineStart - 1, text: ' # before' }]);
    expect(moved?.[0]?.site.edit?.how === 'scalar' && moved[0].site.edit.site.valueStart).toBe(
      text.indexOf('node:20') + ' # before'.length,
    );
  });
});
