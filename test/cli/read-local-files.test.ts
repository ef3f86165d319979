// The CLI's reading of local files: exact text, the bound, and memory for what is read — a buffer
// the size of the bound for every file made `pinwarden pin` over the corpus zero-fill 5 GB.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_FILE_BYTES, readLocalFiles } from '../../src/cli/read-local-files.js';

function repository(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pinwarden-read-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => vi.restoreAllMocks());

describe('readLocalFiles', () => {
  it('reads each file whole and exactly, multibyte text included', async () => {
    const text = 'on: push # café ☕\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n';
    const root = repository({ '.github/workflows/a.yml': text, '.github/workflows/empty.yml': '' });
    const { files } = await readLocalFiles(['.'], root);
    expect(Object.fromEntries(files.map((file) => [file.path, file.text]))).toEqual({
      '.github/workflows/a.yml': text,
      '.github/workflows/empty.yml': '',
    });
  });

  it('allocates for what it reads, not for the bound, file after file', async () => {
    const workflow = `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${'      - run: echo hello\n'.repeat(40)}`;
    const root = repository(
      Object.fromEntries(Array.from({ length: 20 }, (_, n) => [`.github/workflows/w${n}.yml`, workflow])),
    );
    let allocated = 0;
    for (const method of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
      const original = Buffer[method].bind(Buffer);
      vi.spyOn(Buffer, method).mockImplementation(((size: number, ...rest: unknown[]) => {
        allocated += size;
        return (original as (...args: unknown[]) => Buffer)(size, ...rest);
      }) as never);
    }
    const { files } = await readLocalFiles(['.'], root);
    expect(files).toHaveLength(20);
    // 20 files of ~1 KB: a few tens of kilobytes, nowhere near one file's bound (MAX_FILE_BYTES).
    expect(allocated).toBeLessThan(MAX_FILE_BYTES);
  });

  it('lists files in code-unit order, whatever the locale of the machine', async () => {
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo hi\n';
    const names = ['b.yml', 'B.yml', 'a.yml', 'Z.yml', '_x.yml', 'é.yml'];
    const root = repository(Object.fromEntries(names.map((name) => [`.github/workflows/${name}`, workflow])));
    const { files } = await readLocalFiles(['.'], root);
    // Locale collation would give _x, a, b, B, é, Z; code units are what Git lists a tree by.
    expect(files.map((file) => file.path.slice('.github/workflows/'.length))).toEqual([
      'B.yml',
      'Z.yml',
      '_x.yml',
      'a.yml',
      'b.yml',
      'é.yml',
    ]);
  });

  it('does not read a file over the bound, and says so', async () => {
    const root = repository({ '.github/workflows/big.yml': `on: push\n#${'x'.repeat(MAX_FILE_BYTES)}\n` });
    const { files } = await readLocalFiles(['.'], root);
    expect(files[0]).toMatchObject({ text: '', located: { ok: false, error: expect.stringContaining('larger than') } });
  });
});
