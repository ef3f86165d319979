// Which rewrites skip the verifying re-parse: only edits whose meaning the bytes prove.
import { describe, expect, it } from 'vitest';
import { planPins } from '../../src/plan/plan-pins.js';
import { rewriteFile } from '../../src/plan/rewrite-file.js';
import { editsAreProvablySafe } from '../../src/rewrite/safe-edits.js';
import { refKey } from '../../src/resolve/types.js';
import type { Resolution } from '../../src/resolve/types.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const resolutions = new Map<ReturnType<typeof refKey>, Resolution>([
  [
    refKey({ owner: 'actions', repo: 'checkout', ref: 'v4' }),
    {
      status: 'resolved',
      sha: SHA as never,
      tag: 'v4.1.1',
      refType: 'tag',
      tagsOnCommit: ['v4.1.1'],
      ambiguous: false,
    } as Resolution,
  ],
]);

function proof(yaml: string): boolean {
  const text = `jobs:\n  a:\n    steps:\n${yaml}`;
  const located = locateUsesSites(text, 'workflow');
  if (!located.ok) throw new Error(located.error);
  const plan = planPins({ references: located.references, resolutions });
  const pins = plan.entries.flatMap((entry) => (entry.action === 'pin' ? [entry.pin] : []));
  expect(pins.length).toBeGreaterThan(0);
  return editsAreProvablySafe(
    text,
    pins.map((pin) => ({ site: pin.site, after: pin.after, edits: pin.edits })),
  );
}

describe('provably safe edits', () => {
  it('are plain, single- and double-quoted values on one line, with the comment after the content or replacing one', () => {
    expect(proof('      - uses: actions/checkout@v4\n')).toBe(true);
    expect(proof("      - uses: 'actions/checkout@v4'   \n")).toBe(true);
    expect(proof('      - uses: "actions/checkout@v4" # the checkout\n')).toBe(true);
  });

  it('are not block scalars, flow collections, aliased values, escaped quotes or values that continue on the next line', () => {
    expect(proof('      - uses: |\n          actions/checkout@v4\n')).toBe(false);
    expect(proof('      - {uses: actions/checkout@v4}\n')).toBe(false);
    expect(proof('      - uses: &c actions/checkout@v4\n      - uses: *c\n')).toBe(false);
    expect(proof('      - uses: "actions\\/checkout@v4"\n')).toBe(false);
    expect(proof('      - uses: "actions/checkout\\\n          @v4"\n')).toBe(false);
  });

  it("give the new text's references without parsing it again, equal to locating it", () => {
    const text = [
      'jobs:',
      '  a:',
      '    steps:',
      "      - uses: 'actions/checkout@v4'   ",
      '      - uses: actions/checkout@v4 # checkout, the old way   ',
      '      - uses: ./local',
      `      - uses: actions/checkout@${SHA} # v4`,
      '      - uses: actions/checkout@v4',
      '',
    ].join('\r\n');
    const located = locateUsesSites(text, 'workflow');
    if (!located.ok) throw new Error(located.error);
    const result = rewriteFile({ text, references: located.references, resolutions });
    if (result.status !== 'rewritten') throw new Error(result.status);
    expect(result.references).toBeDefined();
    expect(result.references).toEqual((locateUsesSites(result.text, 'workflow') as { references: unknown }).references);
  });

  it('still reach the full verification when not proved, and the result is the same', () => {
    const text = 'jobs:\n  a:\n    steps:\n      - uses: "actions\\/checkout@v4"\n';
    const located = locateUsesSites(text, 'workflow');
    if (!located.ok) throw new Error(located.error);
    const result = rewriteFile({ text, references: located.references, resolutions });
    expect(result.status).toBe('rewritten');
    expect(result.status === 'rewritten' && result.text).toBe(
      `jobs:\n  a:\n    steps:\n      - uses: "actions/checkout@${SHA}" # v4.1.1\n`,
    );
  });
});
