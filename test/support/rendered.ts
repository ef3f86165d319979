// What a reader sees of Markdown pinwarden posts: the text of its text and code nodes, as
// GitHub's Markdown (CommonMark + GFM) parses it, one line per block, word joiners removed.
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

interface MdNode {
  readonly type: string;
  readonly value?: string;
  readonly url?: string;
  readonly children?: MdNode[];
}

const LINE_BLOCKS = new Set(['paragraph', 'heading', 'tableRow', 'html', 'code', 'thematicBreak']);

export function renderedText(markdown: string): string {
  const walk = (node: MdNode): string => {
    if (node.type === 'text' || node.type === 'inlineCode') return node.value ?? '';
    if (node.type === 'html' || node.type === 'code') return `${node.value ?? ''}\n`;
    const inner = (node.children ?? []).map(walk).join(node.type === 'tableRow' ? ' | ' : '');
    return LINE_BLOCKS.has(node.type) ? `${inner}\n` : inner;
  };
  return walk(
    fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as MdNode,
  ).replaceAll('\u2060', '');
}

/** The kinds of node a Markdown text holds (link, image, html, …), for asserting what is absent. */
export function nodeTypes(markdown: string): Set<string> {
  const types = new Set<string>();
  const walk = (node: MdNode) => {
    types.add(node.type);
    node.children?.forEach(walk);
  };
  walk(fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as MdNode);
  return types;
}

/** The destinations of every link and image, as GitHub would render them. */
export function linkUrls(markdown: string): string[] {
  const urls: string[] = [];
  const walk = (node: MdNode) => {
    if (node.url !== undefined) urls.push(node.url);
    node.children?.forEach(walk);
  };
  walk(fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as MdNode);
  return urls;
}
