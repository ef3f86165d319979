// Golden before/after pairs in fixtures/golden: each `<case>.before.yml` is pinned against
// fixtures/refs and must produce `<case>.after.yml` byte for byte and `<case>.plan.txt`.
// Regenerate with UPDATE_GOLDEN=1 and review the diff by eye before committing.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { describePlan } from '../../src/report/describe-plan.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import type { RefResolver } from '../../src/resolve/types.js';
import { collectRefRequests } from '../../src/plan/plan-pins.js';
import { rewriteFile } from '../../src/plan/rewrite-file.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { fixturesDir } from '../support/paths.js';

const goldenDir = join(fixturesDir, 'golden');
const cases = readdirSync(goldenDir)
  .filter((name) => name.endsWith('.before.yml'))
  .map((name) => name.slice(0, -'.before.yml'.length))
  .sort();
const update = process.env.UPDATE_GOLDEN === '1';

let resolver: RefResolver;
beforeAll(async () => {
  resolver = createTableRefResolver(loadRefsDir(join(fixturesDir, 'refs')));
});

async function pinGolden(text: string, kind: 'workflow' | 'action'): Promise<{ text: string; plan: string }> {
  const located = locateUsesSites(text, kind);
  if (!located.ok) return { text, plan: `error: ${located.error}\n` };
  const resolutions = await resolver.resolve(collectRefRequests(located.references));
  const result = rewriteFile({ text, references: located.references, resolutions });
  const lines = describePlan(result.plan);
  if (result.status === 'rejected') lines.push(`rejected: ${result.problem}`);
  return { text: result.status === 'rewritten' ? result.text : text, plan: `${lines.join('\n')}\n` };
}

describe('golden pairs', () => {
  it('has the cases it promises', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('%s', async (name) => {
    const before = readFileSync(join(goldenDir, `${name}.before.yml`), 'utf8');
    const kind = name.startsWith('action-') ? 'action' : 'workflow';
    const actual = await pinGolden(before, kind);
    const afterPath = join(goldenDir, `${name}.after.yml`);
    const planPath = join(goldenDir, `${name}.plan.txt`);
    if (update) {
      writeFileSync(afterPath, actual.text);
      writeFileSync(planPath, actual.plan);
    }
    expect(actual.text).toBe(readFileSync(afterPath, 'utf8'));
    expect(actual.plan).toBe(readFileSync(planPath, 'utf8'));
  });
});
