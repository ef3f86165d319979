// `images.verify` identities are regular expressions in RE2 syntax, as cosign's
// `--certificate-identity-regexp` and Kyverno's `subjectRegExp` read them (Go's regexp). Matched
// with re2js, in time linear in the identity: a config is input from whoever can push to a
// repository, and a backtracking pattern would let one of them stall the App for everyone.
import { RE2JS } from 're2js';

/** Why a pattern cannot be used, or undefined. */
export function identityPatternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return `not a regular expression (RE2 syntax): ${(error as Error).message}`;
  }
}

/** Whether `identity` matches the pattern whole (anchored: `https://github.com/acme/` is not a prefix match). */
export function identityMatches(pattern: string, identity: string): boolean {
  return RE2JS.compile(`^(?:${pattern})$`).matches(identity);
}
