// The import graph of src/ between folders, read from the sources: which folder imports which (with
// the files that do it), the imports that run back up the layers of eslint.config.js, and the
// import circles. `node dist-dev/dev/import-graph.js` prints it; test/unit/layers.test.ts holds it.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FolderGraph {
  /** Every folder holding a .ts file, relative to src/ (`images/registry`, `dev/bench`). */
  readonly folders: readonly string[];
  /** folder → imported folder → the files that import it (`jobs/run-check.ts -> github/check-runs.ts`). */
  readonly edges: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

const RELATIVE_IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

export function folderGraph(srcDir: string): FolderGraph {
  const files = tsFiles(srcDir);
  const folderOf = (file: string) => relative(srcDir, dirname(file)).split(sep).join('/') || '.';
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const from = folderOf(file);
    for (const target of relativeImports(file)) {
      const to = folderOf(target);
      if (to === from || to.startsWith('..')) continue;
      const byTarget = edges.get(from) ?? new Map<string, string[]>();
      byTarget.set(to, [...(byTarget.get(to) ?? []), `${relative(srcDir, file)} -> ${relative(srcDir, target)}`]);
      edges.set(from, byTarget);
    }
  }
  return { folders: [...new Set(files.map(folderOf))].sort(), edges };
}

/** The layer a folder belongs to: its own row, else its parent's (`images/data` is `images`'s). */
export function rowOf(folder: string, layers: readonly (readonly string[])[]): number | undefined {
  for (let path = folder; path !== ''; path = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '') {
    const row = layers.findIndex((names) => names.includes(path));
    if (row >= 0) return row;
  }
  return undefined;
}

/** Imports between product folders that do not go down the layers, and any import of the tools. */
export function upwardImports(graph: FolderGraph, layers: readonly (readonly string[])[]): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph.edges) {
    if (from === 'dev' || from.startsWith('dev/')) continue;
    const fromRow = rowOf(from, layers);
    for (const [to, files] of targets) {
      const toRow = rowOf(to, layers);
      const tool = to === 'dev' || to.startsWith('dev/');
      // A folder and its own subfolder (images → images/data) are one capability.
      const sameFolder = from.startsWith(`${to}/`) || to.startsWith(`${from}/`);
      if (tool || (!sameFolder && (fromRow === undefined || toRow === undefined || toRow <= fromRow)))
        found.push(`${from} -> ${to}: ${files[0]}`);
    }
  }
  return found.sort();
}

/** Circles of folders importing each other. */
export function importCircles(graph: FolderGraph): string[][] {
  return circlesOf(graph.folders, (folder) => graph.edges.get(folder)?.keys() ?? []);
}

/** Circles of files importing each other (within a folder or across), relative to src/. */
export function fileCircles(srcDir: string): string[][] {
  const imports = new Map(
    tsFiles(srcDir).map((file) => [
      relative(srcDir, file),
      relativeImports(file).map((target) => relative(srcDir, target)),
    ]),
  );
  return circlesOf([...imports.keys()].sort(), (file) => imports.get(file) ?? []);
}

/** Tarjan's strongly connected components of two or more nodes. */
function circlesOf(nodes: readonly string[], next: (node: string) => Iterable<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const other of next(node)) {
      if (!index.has(other)) {
        visit(other);
        low.set(node, Math.min(low.get(node)!, low.get(other)!));
      } else if (onStack.has(other)) low.set(node, Math.min(low.get(node)!, index.get(other)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const circle: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      circle.push(member);
    } while (member !== node);
    if (circle.length > 1) circles.push(circle.sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return circles;
}

/** The .ts files a file imports by relative path. */
function relativeImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)].map((match) =>
    resolve(dirname(file), (match[1] ?? match[2])!).replace(/\.js$/, '.ts'),
  );
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? tsFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url).replace(/\.ts$/, '.js') === resolve(process.argv[1]).replace(/\.ts$/, '.js')
) {
  const root = join(import.meta.dirname, '..', '..');
  const { LAYERS } = (await import(join(root, 'eslint.config.js'))) as { LAYERS: string[][] };
  const graph = folderGraph(join(root, 'src'));
  for (const [from, targets] of [...graph.edges].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`${from} -> ${[...targets.keys()].sort().join(', ')}`);
  const upward = upwardImports(graph, LAYERS);
  const circles = importCircles(graph);
  console.log(
    `\n${graph.folders.length} folders; ${upward.length} imports run back up; ${circles.length} import circles`,
  );
  for (const line of upward) console.log(`  up: ${line}`);
  for (const circle of circles) console.log(`  circle: ${circle.join(' ')}`);
  const files = fileCircles(join(root, 'src'));
  console.log(`${files.length} circles of files`);
  for (const circle of files) console.log(`  files: ${circle.join(' ')}`);
}
