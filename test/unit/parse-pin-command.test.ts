import { describe, expect, it } from 'vitest';
import { isPinCommand } from '../../src/command/parse-pin-command.js';

describe('isPinCommand: the command as GitHub renders the comment', () => {
  it.each([
    ['/pinwarden pin'],
    ['/pinwarden pin now please'],
    ['Could we?\n/pinwarden pin\nthanks'],
    ['please\r\n  /Pinwarden PIN now'],
    ['/pinwarden pin\t'],
    ['intro paragraph\n\n/pinwarden pin'],
  ])('runs for %j', (body) => {
    expect(isPinCommand(body)).toBe(true);
  });

  it.each([
    ['inline code', 'run `/pinwarden pin` later'],
    ['a line of inline code', '`/pinwarden pin`'],
    ['a fenced code block', '```\n/pinwarden pin\n```'],
    ['a tilde fence', '~~~sh\n/pinwarden pin\n~~~'],
    ['indented code', '    /pinwarden pin'],
    ['a multi-line HTML comment, invisible on the page', '<!--\n/pinwarden pin\n-->'],
    ['an HTML block', '<details>\n/pinwarden pin\n</details>'],
    ['a quote of someone else', '> /pinwarden pin'],
    ['a list item', '- /pinwarden pin'],
    ['a longer word', '/pinwarden pin-foo'],
    ['another word', '/pinwarden pinned'],
    ['mid-line', 'please /pinwarden pin'],
    ['emphasis', '*/pinwarden pin*'],
    ['a link', '[/pinwarden pin](https://example.com)'],
    ['a heading', '# /pinwarden pin'],
    ['no command', 'thanks for the fix'],
  ])('does not run for %s', (_name, body) => {
    expect(isPinCommand(body)).toBe(false);
  });
});
