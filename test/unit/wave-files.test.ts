// An install wave locates each distinct workflow text once: organisations copy templates, and at
// 10,000 repositories locating was half of the dry run's CPU.
import { describe, expect, it } from 'vitest';
import { auditedWaveFiles } from '../../src/jobs/wave-files.js';

const TEMPLATE = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n';

describe("an install wave's files", () => {
  it('are located once a distinct text: copies share the answer, other texts have their own', async () => {
    const repositories = [
      [{ path: '.github/workflows/ci.yml', text: TEMPLATE }],
      [{ path: '.github/workflows/ci.yml', text: TEMPLATE }],
      [{ path: '.github/workflows/build.yml', text: TEMPLATE.replace('v4', 'v5') }],
    ];
    const [first, second, third] = await auditedWaveFiles(repositories);
    expect(first![0]!.located).toBe(second![0]!.located);
    expect(third![0]!.located).not.toBe(first![0]!.located);
    expect(third![0]!.located).toMatchObject({ ok: true, references: [{ site: { value: 'actions/checkout@v5' } }] });
  });
});
