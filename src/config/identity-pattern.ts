// `images.verify` identities are regular expressions in RE2 syntax, as cosign's
// `--certificate-identity-regexp` and Kyverno's `subjectRegExp` read them (Go's regexp). Matched
// with re2js, in time linear in the identity: a config is input from whoever can push to a
// repository, and a backtracking pattern would let one of them stall the App for everyone.
// Loaded on first use (its CommonJS build, synchronously): most runs match no identity, and its
// import was 30 ms of a one-shot command's start-up.
import { createRequire } from 'node:module';
import type * as Re2js from 're2js';

let loaded: typeof Re2js.RE2JS | undefined;
function re2(): typeof Re2js.RE2JS {
  loaded ??= (createRequire(import.meta.url)('re2js') as typeof Re2js).RE2JS;
  return loaded;
}

/** Why a pattern cannot be used, or undefined. */
export function identityPatternProblem(pattern: string): string | undefined {
  try {
    re2().compile(pattern);
    return undefined;
  } catch (error) {
    return `not a regular expression (RE2 syntax): ${(error as Error).message}`;
  }
}

/** Whether `identity` matches the pattern whole (anchored: `https://github.com/acme/` is not a prefix match). */
export function identityMatches(pattern: string, identity: string): boolean {
  return re2().compile(`^(?:${pattern})$`).matches(identity);
}
