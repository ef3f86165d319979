// `.github/pinwarden.yml`: what a repository (or its org, through the `.github` repository)
// asks of pinwarden. Every key is optional; unknown keys are errors, so a typo is reported
// instead of silently ignored.
import { describeYamlError } from '../common/yaml-error.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { matchesActionGlobs } from './action-globs.js';
import type { ActionName } from './action-globs.js';
import { identityPatternProblem } from './identity-pattern.js';

/** The title unless a config names one; the pull request then says what it does instead (actions, images, …). */
export const DEFAULT_PULL_REQUEST_TITLE = 'Pin GitHub Actions to commit SHAs';

/** Where the Kyverno image policies go when `images.kyverno` is on. */
export const KYVERNO_DEFAULT_PATH = 'kyverno/pinwarden-image-policies.yaml';

const globs = z.array(z.string().min(1).max(300)).max(500);

const DependabotSchedule = z
  .object({
    interval: z.enum(['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly']),
    day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).optional(),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be hh:mm (24-hour)')
      .optional(),
    timezone: z.string().min(1).optional(),
  })
  .strict();

export const PinwardenConfigSchema = z
  .object({
    ignore: z
      .object({
        /** Files left alone: globs over repository paths (`.github/workflows/legacy-*.yml`). */
        paths: globs.default([]),
        /** Actions left alone: globs over `owner/repo[/path]` (`my-org/*`). */
        actions: globs.default([]),
      })
      .strict()
      .default({ paths: [], actions: [] }),
    /** Actions that refuse to run from a SHA, besides the built-in list: kept on their vX.Y.Z tag. */
    must_stay_on_tag: globs.default([]),
    /** Owners whose actions may stay on tags (your own org, say). Default: none. */
    allow_unpinned_owners: z.array(z.string().min(1)).default([]),
    dependabot: z
      .object({
        enabled: z.boolean().default(true),
        schedule: DependabotSchedule.default({ interval: 'weekly' }),
        cooldown_days: z.number().int().min(0).max(90).default(7),
      })
      .strict()
      .default({ enabled: true, schedule: { interval: 'weekly' }, cooldown_days: 7 }),
    images: z
      .object({
        /** Pin container images by digest in the same pull request. */
        enabled: z.boolean().default(true),
        /** `REGISTRY=URL` mirrors, as `--registry-mirror`; only hosts the operator allows are used. */
        mirrors: z.array(z.string().min(1).max(500)).max(20).default([]),
        /** Add the Kyverno policies (Audit mode) as a file, not only propose them. */
        kyverno: z.boolean().default(false),
        /**
         * Images that must carry a Sigstore signature by a given identity: `image` a glob over
         * `registry/name` (`ghcr.io/acme/*`), `identity` a regular expression (RE2, matched whole)
         * over the certificate's identity, `issuer` the OIDC issuer it names.
         */
        verify: z
          .array(
            z
              .object({
                image: z.string().min(1).max(300),
                identity: z
                  .string()
                  .min(1)
                  .max(500)
                  .superRefine((pattern, context) => {
                    const problem = identityPatternProblem(pattern);
                    if (problem) context.addIssue({ code: 'custom', message: problem });
                  }),
                issuer: z.string().url().max(300),
              })
              .strict(),
          )
          .max(50)
          .default([]),
        /** Write cosign's keyless signing steps into workflows that push an image unsigned (a commit of its own). */
        propose_signing: z.boolean().default(false),
        kyverno_path: z
          .string()
          .max(200)
          .regex(
            /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._/-]+\.ya?ml$/,
            'kyverno_path must be a relative path to a .yaml file, without . or .. segments',
          )
          .refine((path) => !path.startsWith('.github/workflows/'), 'kyverno_path must not be under .github/workflows/')
          .default(KYVERNO_DEFAULT_PATH),
      })
      .strict()
      .default({
        enabled: true,
        mirrors: [],
        kyverno: false,
        verify: [],
        propose_signing: false,
        kyverno_path: KYVERNO_DEFAULT_PATH,
      }),
    pin: z
      .object({
        /** A floating ref whose newest release is younger than this is pinned to the newest release old enough (as Dependabot's cooldown). */
        min_release_age_days: z.number().int().min(0).max(90).default(7),
      })
      .strict()
      .default({ min_release_age_days: 7 }),
    trust: z
      .object({
        /** Actions (`owner/repo[/path]` globs) whose releases do not descend one from another by design: no release-not-descendant finding. */
        allow: globs.default([]),
      })
      .strict()
      .default({ allow: [] }),
    check: z
      .object({
        /** The pull-request check's conclusion when a line it wrote has a critical or high finding. */
        conclusion: z.enum(['failure', 'neutral']).default('failure'),
      })
      .strict()
      .default({ conclusion: 'failure' }),
    pull_request: z
      .object({
        title: z.string().min(1).max(256).default(DEFAULT_PULL_REQUEST_TITLE),
        labels: z.array(z.string().min(1).max(50)).max(20).default([]),
      })
      .strict()
      .default({ title: DEFAULT_PULL_REQUEST_TITLE, labels: [] }),
  })
  .strict();

export type PinwardenConfig = z.infer<typeof PinwardenConfigSchema>;

export const DEFAULT_CONFIG: PinwardenConfig = PinwardenConfigSchema.parse({});

export type ConfigOutcome =
  | { readonly ok: true; readonly config: PinwardenConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Validates a config object (already merged across `_extends`); `null` means no file: defaults. */
export function validateConfig(raw: unknown): ConfigOutcome {
  if (raw === null || raw === undefined) return { ok: true, config: DEFAULT_CONFIG };
  const { _extends: _ignored, ...rest } = (
    typeof raw === 'object' && !Array.isArray(raw) ? raw : { '(file)': raw }
  ) as Record<string, unknown>;
  const result = PinwardenConfigSchema.safeParse(rest);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      if (issue.code !== 'unrecognized_keys') return `${where}: ${issue.message}`;
      // Each unknown key named once, with the valid key it was probably meant to be.
      const valid = keysAt(issue.path);
      const said = issue.keys.map((key) => {
        const near = nearest(key, valid);
        return `\`${key}\`${near ? ` (did you mean \`${near}\`?)` : ''}`;
      });
      return `${where}: unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${said.join(', ')}`;
    }),
  };
}

/** The keys the schema takes at a path of the config (`ignore` → `actions`, `paths`, …). */
function keysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = PinwardenConfigSchema;
  for (const key of path) schema = shapeOf(schema)?.[String(key)];
  return Object.keys(shapeOf(schema) ?? {});
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { shape?: Record<string, unknown>; def?: { innerType?: unknown } } | undefined;
  // Defaults and optionals wrap the object; its shape is inside.
  for (let depth = 0; current && !current.shape && current.def?.innerType && depth < 5; depth += 1)
    current = current.def.innerType as typeof current;
  return current?.shape;
}

/** The valid key within two edits of `key`, if one is. */
function nearest(key: string, valid: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of valid) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** Parses the YAML text of a config file; a parse error is a config problem, not a crash. */
export function parseConfigText(text: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  try {
    return { ok: true, value: parse(text, { prettyErrors: true }) as unknown };
  } catch (error) {
    return { ok: false, problems: [`YAML error: ${describeYamlError((error as Error).message)}`] };
  }
}

/** Whether a reference to `owner/repo[/path]` is to stay as it is. */
export function isIgnoredAction(config: PinwardenConfig, action: ActionName): boolean {
  const owner = action.owner.toLowerCase();
  if (config.allow_unpinned_owners.some((allowed) => allowed.toLowerCase() === owner)) return true;
  return matchesActionGlobs(config.ignore.actions, action);
}

/** `base` with `override` merged in, as Probot's `context.config` merges `_extends` chains: mappings key by key, lists appended. */
export function deepMerge(base: object, override: object): object {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (Array.isArray(current) && Array.isArray(value))
      merged[key] = [...(current as unknown[]), ...(value as unknown[])];
    else if (isPlainObject(current) && isPlainObject(value)) merged[key] = deepMerge(current, value);
    else merged[key] = value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The repository's pin-time trust policy. */
export function trustPolicyOf(config: PinwardenConfig): { minReleaseAgeDays: number; allow: readonly string[] } {
  return { minReleaseAgeDays: config.pin.min_release_age_days, allow: config.trust.allow };
}
