// BENCHMARKS.md holds measured tables between markers (`<!-- NAME:start -->` … `<!-- NAME:end -->`);
// a benchmark run replaces its own block and leaves the prose around it alone.
import { readFile, writeFile } from 'node:fs/promises';

export async function writeBenchmarkBlock(file: string, name: string, heading: string, table: string): Promise<void> {
  const current = await readFile(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${table.trim()}\n${end}`;
  const next = current.includes(start)
    ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), () => block)
    : `${current.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  await writeFile(file, next);
}
