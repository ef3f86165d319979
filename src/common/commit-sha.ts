// A full 40-hex commit id: the only reference GitHub Actions cannot move under us.
declare const commitShaBrand: unique symbol;
export type CommitSha = string & { readonly [commitShaBrand]: true };

const FULL_SHA = /^[0-9a-f]{40}$/;

export function isFullSha(text: string): boolean {
  return FULL_SHA.test(text);
}

/** Validates and brands; lower-cases because git object ids are case-insensitive hex. */
export function toCommitSha(text: string): CommitSha | undefined {
  const lower = text.toLowerCase();
  return FULL_SHA.test(lower) ? (lower as CommitSha) : undefined;
}
