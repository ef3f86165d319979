// What a `FROM` written with build arguments pulls (`FROM ${BASE}`, `${IMAGE:-ubuntu:22.04}`,
// `${REG}/${NAME}:${TAG}`): the arguments declared before the first FROM (the only ones a FROM
// sees) with their defaults, the reference they expand to, and which piece of text ends it — where
// a digest can go. An argument without a default, or one pinwarden cannot expand, is said.

export interface GlobalArg {
  readonly name: string;
  /** The default as Docker reads it (quotes removed); null when the ARG has none. */
  readonly value: string | null;
  /** Where the default's characters sit in the Dockerfile's text, quotes excluded; a reason when they cannot be edited. */
  readonly edit: { readonly start: number; readonly end: number } | string;
  readonly line: number;
  readonly column: number;
}

/** The piece of text that ends an expanded image: where a digest goes. */
export type LastPiece =
  /** Text of the FROM itself: the digest goes after the whole image. */
  | { readonly kind: 'from-text' }
  /** `${NAME:-word}` with no default for NAME: the digest goes after `word`. */
  | { readonly kind: 'inline-default'; readonly start: number; readonly end: number; readonly text: string }
  /** `${NAME}` with a default: the digest goes into the ARG's default. */
  | { readonly kind: 'arg'; readonly arg: GlobalArg };

export type Expansion =
  | { readonly ok: true; readonly value: string; readonly last: LastPiece; readonly uses: readonly string[] }
  | { readonly ok: false; readonly why: string };

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\+)([^}$]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{[^}]*\}?|\$/g;

/** `written` (at `offset` in the text) with the global arguments' defaults put in. */
export function expandImage(written: string, offset: number, args: ReadonlyMap<string, GlobalArg>): Expansion {
  let value = '';
  let at = 0;
  let last: LastPiece = { kind: 'from-text' };
  const uses: string[] = [];
  for (const match of written.matchAll(VARIABLE)) {
    value += written.slice(at, match.index);
    if (match.index > at) last = { kind: 'from-text' };
    at = match.index + match[0].length;
    const name = match[1] ?? match[4];
    if (name === undefined)
      return {
        ok: false,
        why: `\`${match[0]}\` is a substitution pinwarden does not expand (\`$NAME\`, \`\${NAME}\`, \`\${NAME:-default}\` are read)`,
      };
    uses.push(name);
    const arg = args.get(name);
    const set = arg?.value !== null && arg?.value !== undefined && arg.value !== '';
    const operator = match[2];
    if (operator === ':+') {
      value += set ? match[3]! : '';
      if (set) last = { kind: 'from-text' };
      continue;
    }
    if (operator === ':-' && !set) {
      const start = offset + match.index + match[0].indexOf(':-') + 2;
      value += match[3]!;
      last = { kind: 'inline-default', start, end: start + match[3]!.length, text: match[3]! };
      continue;
    }
    if (!arg)
      return {
        ok: false,
        why: `the build argument ${name} is not declared before the first FROM: what it pulls is only known when it is built`,
      };
    if (arg.value === null)
      return {
        ok: false,
        why: `the build argument ${name} has no default: what it pulls is only known when it is built (\`--build-arg\`); give it a default pinwarden can pin`,
      };
    if (arg.value.includes('$'))
      return {
        ok: false,
        why: `the default of the build argument ${name} names another variable; pinwarden does not expand it`,
      };
    value += arg.value;
    last = { kind: 'arg', arg };
  }
  if (at < written.length) {
    value += written.slice(at);
    last = { kind: 'from-text' };
  }
  return { ok: true, value, last, uses };
}

/** How many times the text reads each variable (`$NAME` or `${NAME…}`), wherever it is read. */
export function variableUses(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
    counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
  return counts;
}
