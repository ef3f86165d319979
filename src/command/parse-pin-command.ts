// Whether a comment holds the `/pinwarden pin` command as a reader sees it on GitHub. The
// comment is parsed as GitHub renders it (CommonMark + GFM, through mdast): the command counts
// only on a line of its own in a top-level paragraph, optionally followed by words after white
// space. Inside fenced or indented code, HTML (comments included, which GitHub does not show),
// quotes, lists, tables or inline code it is text about the command, not the command; and
// `/pinwarden pin-foo` is another word.
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { Paragraph, PhrasingContent } from 'mdast';

const COMMAND_LINE = /^\/pinwarden pin(?:[ \t]+[^\n]*)?$/i;
/** Stands for anything on a line that is not plain text (code, HTML, links, emphasis). */
const NOT_TEXT = '\u0000';
/** Longer comments are not parsed: GitHub caps comments at 65,536 characters anyway. */
const MAX_COMMENT = 65_536;

export function isPinCommand(body: string): boolean {
  if (!/\/pinwarden pin/i.test(body) || body.length > MAX_COMMENT) return false;
  const tree = fromMarkdown(body, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  return tree.children.some(
    (node) => node.type === 'paragraph' && paragraphLines(node).some((line) => COMMAND_LINE.test(line.trim())),
  );
}

/** The paragraph's lines as plain text; every non-text inline becomes NOT_TEXT. */
function paragraphLines(paragraph: Paragraph): string[] {
  return paragraph.children.map(inlineText).join('').split('\n');
}

function inlineText(node: PhrasingContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'break') return '\n';
  return NOT_TEXT;
}
