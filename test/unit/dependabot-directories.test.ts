// Dependabot reads a composite action's action.yml only in the folders its github-actions entry
// lists (dependabot-core#6704): each folder of an action pinwarden pinned is written, when the file
// is created and into an existing entry, and what is written is read back.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionsNeed, directoryCovers } from '../../src/dependabot/action-directories.js';
import { planDependabot } from '../../src/dependabot/plan-dependabot.js';

const settings = { schedule: { interval: 'weekly' }, cooldownDays: 7 };
const at = (text: string) => ({ path: '.github/dependabot.yml', text });
const need = actionsNeed(['.github/actions/setup/action.yml', 'action.yml', 'tools/lint/action.yaml']);

describe('the github-actions entry reaches composite actions', () => {
  it('lists the root and the folder of each pinned action', () => {
    expect(need.directories).toEqual(['/', '/.github/actions/setup', '/tools/lint']);
    const plan = planDependabot(undefined, settings, [need]);
    if (plan.action !== 'create') throw new Error(plan.action);
    expect(parse(plan.text).updates[0].directories).toEqual(['/', '/.github/actions/setup', '/tools/lint']);
  });

  it('turns an existing `directory: /` into the list, every other byte kept', () => {
    const text = [
      '# keep this',
      'version: 2',
      'updates:',
      '  - package-ecosystem: "github-actions"',
      '    directory: "/" # workflows',
      '    schedule:',
      '      interval: daily',
      '',
    ].join('\r\n');
    const plan = planDependabot(at(text), settings, [need]);
    if (plan.action !== 'add-entry') throw new Error(plan.action);
    expect(plan.directoriesAdded).toEqual(['/.github/actions/setup', '/tools/lint']);
    expect(plan.text).toBe(
      [
        '# keep this',
        'version: 2',
        'updates:',
        '  - package-ecosystem: "github-actions"',
        '    directories:',
        '      - /',
        '      - /.github/actions/setup',
        '      - /tools/lint # workflows',
        '    schedule:',
        '      interval: daily',
        '',
      ].join('\r\n'),
    );
  });

  it('adds what a `directories` list lacks, and takes a glob that covers a folder as covering it', () => {
    const text =
      'version: 2\nupdates:\n- package-ecosystem: github-actions\n  directories:\n  - "/"\n  - "/.github/actions/*"\n  schedule: {interval: weekly}\n';
    const plan = planDependabot(at(text), settings, [need]);
    if (plan.action !== 'add-entry') throw new Error(plan.action);
    expect(plan.directoriesAdded).toEqual(['/tools/lint']);
    expect(parse(plan.text).updates[0].directories).toEqual(['/', '/.github/actions/*', '/tools/lint']);
    expect(planDependabot(at(plan.text), settings, [need]).action).toBe('present');
    expect(directoryCovers('/.github/actions/*', '/.github/actions/setup')).toBe(true);
    expect(directoryCovers('/.github/actions/*', '/.github/actions/a/b')).toBe(false);
    expect(directoryCovers('/**', '/.github/actions/a/b')).toBe(true);
  });

  it('says why when the entry lists its folders in a way it does not extend', () => {
    const text =
      'version: 2\nupdates:\n- {package-ecosystem: github-actions, directories: ["/"], schedule: {interval: weekly}}\n';
    const plan = planDependabot(at(text), settings, [need]);
    expect(plan).toMatchObject({ action: 'present', directoriesNote: expect.stringContaining('does not extend') });
  });
});
