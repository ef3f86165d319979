// The shape of data/compromises.json. Checked by the tests (test/unit/shipped-data.test.ts), not
// at each start: the file is built into pinwarden, and importing the schema library costs a
// one-shot command about 120 ms, most of its start-up (2026-12-07).
import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a full 40-hex commit SHA');
const instant = z.iso.datetime();

const Incident = z
  .object({
    id: z.string().min(1),
    repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
    title: z.string().min(1),
    advisories: z.array(z.string()),
    window: z.object({ start: instant, end: instant, precision: z.string().min(1) }).strict(),
    /** Which refs were moved: a version range over tags (`>= 0.0.1 <= 0.34.2`, `v` optional), or names. */
    movedTags: z
      .object({ versions: z.string().optional(), names: z.array(z.string()).optional(), note: z.string() })
      .strict(),
    badCommits: z.array(z.object({ sha, tag: z.string(), thirdParty: z.boolean(), source: z.url() }).strict()),
    knownGood: z.array(z.object({ ref: z.string(), sha, note: z.string().optional() }).strict()),
    /** Wrappers whose own action.yml called a moved tag: pinning the wrapper by SHA did not help. */
    transitive: z.array(
      z
        .object({
          wrapper: z.string(),
          ref: z.string().optional(),
          sha: sha.optional(),
          calls: z.string(),
          incident: z.string(),
          certainty: z.string(),
        })
        .strict(),
    ),
    iocs: z
      .object({
        domains: z.array(z.string()),
        repositoryNames: z.array(z.string()),
        strings: z.array(z.string()).optional(),
      })
      .strict(),
    sources: z.array(z.url()).min(1),
  })
  .strict();

export const CompromiseDataSchema = z
  .object({ $comment: z.string(), version: z.literal(1), updated: z.iso.date(), incidents: z.array(Incident).min(1) })
  .strict();

export type CompromiseData = z.infer<typeof CompromiseDataSchema>;
export type Incident = CompromiseData['incidents'][number];
