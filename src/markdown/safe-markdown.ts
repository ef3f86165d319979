// Text from a repository (a `uses:` value, a path, a tag, a parser message quoting the file)
// rendered into the Markdown pinwarden posts so that it shows as the text it is: no link, no
// image, no HTML, no @mention, no #reference, no emoji shortcode survives. Values go in code
// spans whose fence is longer than any backtick run inside; prose goes through `safeText`.
// GitHub renders Markdown inside `<code>` tags, so HTML-escaping alone was not enough.
import { memoByString } from '../common/string-memo.js';

/** Invisible, and breaks what GitHub would otherwise turn into a mention, reference or link. */
const WORD_JOINER = '\u2060';
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function oneLine(text: string): string {
  return text.replace(/\r\n?|\n/g, ' ').replace(CONTROL, '');
}

/** An inline code span that holds `text` exactly (on one line): safe for any text. */
export function inlineCode(text: string): string {
  const value = oneLine(text);
  if (value === '') return '` `';
  const longestRun = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // A span that starts or ends with a backtick or a space needs one space of padding each side,
  // which CommonMark strips again.
  const pad = /^[` ]|[` ]$/.test(value) ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A fenced code block that holds `text` exactly: its fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = ''): string {
  const value = text.replace(CONTROL, '');
  const longestRun = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${value}\n${fence}`;
}

/** The same, inside a GFM table cell: a pipe must be escaped even within code there. */
export function tableCode(text: string): string {
  return inlineCode(text).replace(/\|/g, '\\|');
}

/**
 * Prose from a repository, shown as plain text: Markdown and HTML escaped (a backslash, which the
 * rendered text does not show), and an invisible word joiner only where GitHub would otherwise make
 * a mention (`@user` after a space), an emoji (`:name:`) or a link (`https://`, `www.`) — so what a
 * reader copies (`node:20@sha256:…`) is what was written.
 */
export function safeText(text: string): string {
  return (
    oneLine(text)
      // The punctuation Markdown, GFM and GitHub's math give meaning to (`$` opens math).
      .replace(/[\\`*_{}[\]()#+\-.!|~<>&=:$]/g, (char) => `\\${char}`)
      // A mention starts after a non-word character; `checkout@v4` and `node:20@sha256` are none.
      .replace(/(^|[^A-Za-z0-9])@(?=[A-Za-z0-9])/g, `$1@${WORD_JOINER}`)
      // An emoji shortcode is a short name between colons; a scheme's colon opens a link.
      .replace(/\\:(?=[A-Za-z0-9_+\\-]{1,40}\\:|\/\/)/g, `\\:${WORD_JOINER}`)
      // Autolinks without a scheme (www.example.com).
      .replace(/\b(www)\\\./gi, `$1${WORD_JOINER}\\.`)
  );
}

/**
 * A message pinwarden wrote about repository values: its own `code spans` (which may quote a
 * value) shown as code, everything else as `safeText`. Values a reader may copy — a digest, a
 * commit — belong in those spans.
 */
export function safeMessage(text: string): string {
  return rememberedMessages(text);
}

/**
 * An organisation's pull requests say the same messages again and again (the same action, tag and
 * verdict in every repository): each is made safe once. Up to 1,024 messages of up to 2,048
 * characters (4 MB at the very most).
 */
const rememberedMessages = memoByString((text) => safeMessageOf(text), 1_024, 2_048);

function safeMessageOf(text: string): string {
  return oneLine(text)
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? inlineCode(part.slice(1, -1)) : safeText(part)))
    .join('');
}
