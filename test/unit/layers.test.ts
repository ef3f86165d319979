// The layers of src/ (eslint.config.js LAYERS) hold for the whole import graph: every folder has
// its row, no import runs back up, no folders import each other in a circle, and the only circle
// of files left is the fake GitHub's own routes. The graph is read from the sources
// (src/dev/import-graph.ts); a planted graph shows each check finds what it is for.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileCircles, folderGraph, importCircles, rowOf, upwardImports } from '../../src/dev/import-graph.js';
import { repoRoot } from '../support/paths.js';

const srcDir = join(repoRoot, 'src');
// The config is plain JavaScript without types: imported by path, its rows typed here.
const { LAYERS } = (await import(join(repoRoot, 'eslint.config.js'))) as { LAYERS: string[][] };

describe('the layers of src/', () => {
  const graph = folderGraph(srcDir);

  it('place every product folder in a row', () => {
    const product = graph.folders.filter((folder) => folder !== 'dev' && !folder.startsWith('dev/'));
    expect(product.length).toBeGreaterThan(20);
    expect(product.filter((folder) => rowOf(folder, LAYERS) === undefined)).toEqual([]);
  });

  it('have no import running back up, and no product folder imports the tools', () => {
    expect(upwardImports(graph, LAYERS)).toEqual([]);
  });

  it('have no circle of folders, and no circle of files but the fake GitHub routes', () => {
    expect(importCircles(graph)).toEqual([]);
    const circles = fileCircles(srcDir);
    expect(circles.flat().filter((file) => !file.startsWith('dev/fake-github/'))).toEqual([]);
  });
});

describe("README's map of src/", () => {
  it('names every folder of the tree, and only those', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## How it is built'));
    const block = section.slice(section.indexOf('```'), section.indexOf('```', section.indexOf('```') + 3));
    const mapped = [...block.matchAll(/^src\/(\S+)\/ /gm)].map((match) => match[1]!).sort();
    // Data folders (audit/data, images/data) belong to their capability's line.
    const tree = folderGraph(srcDir).folders.filter((folder) => !folder.endsWith('/data'));
    expect(mapped).toEqual(tree);
  });
});

describe('the import graph checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinwarden-layers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('jobs/run.ts', "import { plan } from '../plan/plan.js';\nexport const run = plan;\n");
  write(
    'plan/plan.ts',
    "import type { Job } from '../jobs/run.js';\nimport { tool } from '../dev/tool.js';\nexport const plan = tool;\nexport type P = Job;\n",
  );
  write('plan/sub/deep.ts', "export const deep = await import('../plan.js');\n");
  write('dev/tool.ts', 'export const tool = 1;\n');
  const planted = folderGraph(dir);
  const layers = [['jobs'], ['plan']];

  it('find an import that runs back up and one of the tools, with the file that makes it', () => {
    expect(upwardImports(planted, layers)).toEqual([
      'plan -> dev: plan/plan.ts -> dev/tool.ts',
      'plan -> jobs: plan/plan.ts -> jobs/run.ts',
    ]);
    // A subfolder belongs to its folder's row; its import of the folder is not upward.
    expect(rowOf('plan/sub', layers)).toBe(1);
  });

  it('find the circles of folders and of files', () => {
    expect(importCircles(planted)).toEqual([['jobs', 'plan']]);
    expect(fileCircles(dir)).toEqual([['jobs/run.ts', 'plan/plan.ts']]);
  });
});
