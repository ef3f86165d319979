import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubActionsEntry, planDependabot } from '../../src/dependabot/plan-dependabot.js';

const settings = { schedule: { interval: 'weekly' }, cooldownDays: 7 };
const at = (text: string) => ({ path: '.github/dependabot.yml', text });

describe('planDependabot', () => {
  it('creates the file when missing, with a weekly github-actions entry and a cooldown', () => {
    const plan = planDependabot(undefined, settings);
    expect(plan.action).toBe('create');
    if (plan.action !== 'create') return;
    expect(parse(plan.text)).toEqual({ version: 2, updates: [githubActionsEntry(settings)] });
    expect(githubActionsEntry(settings)).toMatchObject({
      'package-ecosystem': 'github-actions',
      directory: '/',
      schedule: { interval: 'weekly' },
      cooldown: { 'default-days': 7 },
    });
  });

  it('writes the configured schedule and leaves the cooldown out at zero days', () => {
    const plan = planDependabot(undefined, {
      schedule: { interval: 'daily', time: '06:00', timezone: 'Europe/Paris' },
      cooldownDays: 0,
    });
    if (plan.action !== 'create') throw new Error(plan.action);
    const entry = parse(plan.text).updates[0];
    expect(entry.schedule).toEqual({ interval: 'daily', time: '06:00', timezone: 'Europe/Paris' });
    expect(entry.cooldown).toBeUndefined();
  });

  it('adds the entry after the last item and keeps every other byte', () => {
    const text =
      'version: 2\nupdates:\n  - package-ecosystem: npm # js\n    directory: "/"\n    schedule:\n      interval: daily\n# the end\n';
    const plan = planDependabot(at(text), settings);
    if (plan.action !== 'add-entry') throw new Error(plan.action);
    const head =
      'version: 2\nupdates:\n  - package-ecosystem: npm # js\n    directory: "/"\n    schedule:\n      interval: daily\n';
    expect(plan.text.startsWith(head)).toBe(true);
    expect(plan.text.endsWith('# the end\n')).toBe(true);
    expect(plan.text.slice(head.length, -'# the end\n'.length)).toMatch(/^ {2}- package-ecosystem: github-actions\n/);
  });

  it('keeps CRLF line ends and an unindented list, and ends a file that lacked a final newline', () => {
    const text =
      'version: 2\r\nupdates:\r\n- package-ecosystem: npm\r\n  directory: /\r\n  schedule: {interval: daily}';
    const plan = planDependabot(at(text), settings);
    if (plan.action !== 'add-entry') throw new Error(plan.action);
    expect(plan.text.startsWith(`${text}\r\n- package-ecosystem: github-actions\r\n`)).toBe(true);
    expect(plan.text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('fills `updates: []`, a file with no updates, and a comment-only file', () => {
    for (const text of ['version: 2\nupdates: []\n', 'version: 2\n', '# todo\n']) {
      const plan = planDependabot(at(text), settings);
      if (plan.action !== 'add-entry') throw new Error(`${text}: ${plan.action}`);
      expect(parse(plan.text).updates).toEqual([githubActionsEntry(settings)]);
    }
    const comment = planDependabot(at('# todo\n'), settings);
    expect(comment.action === 'add-entry' && comment.text.startsWith('# todo\n')).toBe(true);
  });

  it('leaves a file that already has github-actions untouched', () => {
    expect(
      planDependabot(at('version: 2\nupdates:\n  - package-ecosystem: "github-actions"\n    directory: /\n'), settings)
        .action,
    ).toBe('present');
  });

  it('reports what it cannot extend safely instead of rewriting it', () => {
    expect(
      planDependabot(at('version: 2\nupdates: [{package-ecosystem: npm, directory: /}]\n'), settings),
    ).toMatchObject({ action: 'unable', reason: expect.stringContaining('by hand') });
    expect(planDependabot(at('version: 2\nupdates:\n  - : [\n'), settings)).toMatchObject({
      action: 'unable',
      reason: expect.stringContaining('does not parse'),
    });
    expect(planDependabot(at('- a\n- b\n'), settings)).toMatchObject({
      action: 'unable',
      reason: expect.stringContaining('not a mapping'),
    });
    // An alias bomb is reported, not expanded and not thrown.
    const levels = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'
        .split('')
        .map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefg'[index]}`).join(', ')}]`),
    ];
    const bomb = [...levels, 'version: 2', 'updates:', '  - package-ecosystem: npm', '    directory: /', ''].join('\n');
    expect(planDependabot(at(bomb), settings)).toMatchObject({
      action: 'unable',
      reason: expect.stringContaining('could not be read safely'),
    });
  });
});
