// Checked with the Markdown parser GitHub's rendering follows (CommonMark + GFM, via mdast):
// whatever a repository puts in, what comes out is one text or code node holding that text.
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { inlineCode, safeMessage, safeText, tableCode } from '../../src/markdown/safe-markdown.js';

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}
const parse = (markdown: string) =>
  fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as MdNode;
const nodes = (node: MdNode): MdNode[] => [node, ...(node.children ?? []).flatMap(nodes)];
const visible = (text: string) => text.replaceAll('\u2060', '');
/** The text as it must show: on one line, without the escape and the bidi override. */
const expectedText = (text: string) => text.replace(/\r?\n/g, ' ').replaceAll('\u001b', '').replaceAll('\u202e', '');

const HOSTILE = [
  'evil/action@v1](https://evil.example)[x',
  'a/b@v1 <img src=x onerror=alert(1)>',
  '<a href="https://evil.example">click</a>',
  '@octo-org/security-team please look',
  'ping @someone :rocket: :+1:',
  'see https://evil.example and www.evil.example',
  '```js\nalert(1)\n```',
  'a`b``c```d',
  '`leading and trailing`',
  '| col | another |',
  '**bold** _em_ ~~gone~~ #123 GH-1',
  '![img](https://evil.example/x.png)',
  '&lt;not an entity&gt; &amp;',
  'back\\slash \\* star',
  'x\u001b[2Jy\u202ez',
];

describe('safe Markdown', () => {
  it.each(HOSTILE)('inlineCode(%j) is one code span holding exactly the text', (text) => {
    const paragraph = parse(`Before ${inlineCode(text)} after`);
    const all = nodes(paragraph);
    const code = all.filter((node) => node.type === 'inlineCode');
    expect(code).toHaveLength(1);
    expect(code[0]!.value).toBe(expectedText(text));
    expect(all.filter((node) => !['root', 'paragraph', 'text', 'inlineCode'].includes(node.type))).toEqual([]);
  });

  it.each(HOSTILE)('tableCode(%j) stays in its cell', (text) => {
    const table = nodes(parse(`| a | b | c |\n| --- | --- | --- |\n| x | ${tableCode(text)} | y |\n`));
    const cells = table.filter((node) => node.type === 'tableCell');
    expect(cells).toHaveLength(6);
    expect(
      nodes(cells[4]!)
        .filter((node) => node.type === 'inlineCode')
        .map((node) => node.value),
    ).toEqual([expectedText(text)]);
    expect(
      nodes(cells[5]!)
        .map((node) => node.value ?? '')
        .join(''),
    ).toBe('y');
  });

  it.each(HOSTILE)('safeText(%j) is plain text: no link, HTML, code, emphasis, mention or shortcode', (text) => {
    const all = nodes(parse(safeText(text)));
    expect(all.map((node) => node.type).filter((type) => !['root', 'paragraph', 'text'].includes(type))).toEqual([]);
    const shown = all
      .filter((node) => node.type === 'text')
      .map((node) => node.value)
      .join('');
    expect(visible(shown)).toBe(expectedText(text));
    // What GitHub would turn into a mention or an emoji after Markdown: an @ after a non-word
    // character (html-pipeline's MentionFilter: `(?:^|\W)@name`; `checkout@v4` is none) followed by
    // a word, or a name between colons.
    expect(shown).not.toMatch(/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/);
    expect(shown).not.toMatch(/:[A-Za-z0-9+_-]+:/);
  });
});

describe('copyable values', () => {
  it('leaves no invisible character in a reference or a digest, and shows pinwarden’s own code spans as code', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const shown = (markdown: string) =>
      nodes(parse(markdown))
        .filter((node) => node.type === 'text' || node.type === 'inlineCode')
        .map((node) => node.value)
        .join('');
    expect(shown(safeText(`node:20@${digest} and actions/checkout@v4`))).toBe(
      `node:20@${digest} and actions/checkout@v4`,
    );
    const message = safeMessage(`\`latest\` was re-pointed; its digest is \`${digest}\` (see @octo <b>)`);
    expect(
      nodes(parse(message))
        .filter((node) => node.type === 'inlineCode')
        .map((node) => node.value),
    ).toEqual(['latest', digest]);
    expect(visible(shown(message))).toBe(`latest was re-pointed; its digest is ${digest} (see @octo <b>)`);
    expect(shown(message)).not.toMatch(/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/);
    // Said again (every repository's pull request says it): the same text.
    expect(safeMessage(`\`latest\` was re-pointed; its digest is \`${digest}\` (see @octo <b>)`)).toBe(message);
    const long = `\`a\` ${'@octo '.repeat(500)}`;
    expect(safeMessage(long)).toBe(safeMessage(long));
    expect(safeMessage(long)).not.toMatch(/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/);
  });
});
