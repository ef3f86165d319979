// GitHub's workflow parser folds a `uses:` that is one whole `${{ … }}` literal before it reads
// it: `${{ 'actions/checkout@v4' }}` runs actions/checkout@v4. pinwarden folds the same literals,
// so such a reference is pinned (or gated) like any other. Any other expression (a variable, or
// an expression inside other text, which GitHub refuses in `uses`) cannot be known before the
// run, and is reported as such.
export type Folded =
  | { readonly ok: true; readonly value: string; readonly folded: boolean }
  | { readonly ok: false; readonly reason: string };

const WHOLE_EXPRESSION = /^\$\{\{([\s\S]*)\}\}$/;

export function foldLiteralExpressions(value: string): Folded {
  if (!value.includes('${{')) return { ok: true, value, folded: false };
  const whole = WHOLE_EXPRESSION.exec(value.trim());
  if (!whole || whole[1]!.includes('}}'))
    return { ok: false, reason: 'an expression inside other text; GitHub does not allow that in `uses`' };
  const literal = literalText(whole[1]!.trim());
  if (literal === undefined)
    return {
      ok: false,
      reason: `the expression ${value.trim()} is not a literal; what it names is known only when the workflow runs`,
    };
  return { ok: true, value: literal, folded: true };
}

/** The text of a literal as an expression yields it in a string context, or undefined. */
function literalText(source: string): string | undefined {
  const quoted = /^'((?:[^']|'')*)'$/.exec(source);
  if (quoted) return quoted[1]!.replaceAll("''", "'");
  return undefined;
}
