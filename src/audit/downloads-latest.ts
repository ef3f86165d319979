// A pinned action can still run whatever was published last: trivy-action takes a `version`
// input, and workflows that passed `version: latest` pulled the malicious trivy 0.69.4 on
// 2026-03-19 with a clean, SHA-pinned action. A step that asks an action with a `version` input
// for `latest` — or leaves it out where the action's own default is `latest` or empty — is said.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, LineCounter, Node, YAMLMap } from 'yaml';
import { repositoryOf } from '../workflow/parse-action-ref.js';
import type { RemoteRef, UsesReference } from '../workflow/types.js';
import type { Finding } from './types.js';

/** The manifest's `inputs.version.default`: undefined when the action has no `version` input. */
export function versionInputDefault(manifest: string): { readonly default: string } | undefined {
  try {
    const inputs = (
      parseDocument(manifest).toJS({ maxAliasCount: 50 }) as {
        inputs?: Record<string, { default?: unknown } | null>;
      } | null
    )?.inputs;
    if (!inputs || typeof inputs !== 'object' || !('version' in inputs)) return undefined;
    const value = inputs.version?.default;
    return { default: value === undefined || value === null ? '' : String(value) };
  } catch {
    return undefined;
  }
}

/** The `with.version` of the step whose `uses:` value starts at `valueStart`: its text and line (`lines` the parse's), or absent. */
export function stepVersionInput(
  document: Document,
  lines: LineCounter,
  valueStart: number,
): { readonly value: string | undefined; readonly line: number } | undefined {
  let found: { value: string | undefined; line: number } | undefined;
  const visit = (node: Node | null | undefined, depth: number): void => {
    if (found || !node || depth > 12) return;
    if (isSeq(node)) for (const item of node.items) visit(item as Node, depth + 1);
    if (!isMap(node)) return;
    const uses = node.get('uses', true);
    if (isScalar(uses) && uses.range?.[0] === valueStart) {
      const input = (node.get('with', true) as YAMLMap | undefined)?.get?.('version', true);
      const line = lines.linePos(isScalar(input) && input.range ? input.range[0] : valueStart).line;
      found = { value: isScalar(input) ? String(input.value ?? '') : undefined, line };
      return;
    }
    for (const pair of node.items) visit(pair.value as Node, depth + 1);
  };
  visit(document.contents as Node, 0);
  return found;
}

export function checkDownloadsLatest(
  path: string,
  reference: UsesReference,
  input: { readonly value: string | undefined; readonly line: number } | undefined,
  manifestDefault: string,
): Finding[] {
  if (!input) return [];
  const asked = input.value?.trim().toLowerCase();
  const latest =
    asked === 'latest' ||
    (asked === undefined && (manifestDefault.trim() === '' || manifestDefault.trim().toLowerCase() === 'latest'));
  if (!latest) return [];
  const repository = repositoryOf(reference.ref as RemoteRef);
  const how =
    asked === 'latest'
      ? '`version: latest`'
      : `no \`version\`, and the action's default is ${manifestDefault.trim() === '' ? 'empty (its newest release)' : '`latest`'}`;
  return [
    {
      path,
      line: input.line,
      uses: reference.site.value,
      check: 'downloads-latest',
      severity: 'medium',
      message: `${repository} is called with ${how}: it downloads whatever was published last, which a pin of the action does not hold still (trivy-action users pinned by SHA still pulled the malicious trivy 0.69.4 this way). Name a version.`,
      evidence: { repository, input: 'version', value: input.value ?? null, default: manifestDefault },
    },
  ];
}
