// The advisories file of `pinwarden audit --advisories FILE` and `fake-github --advisories FILE`:
// `{"advisories":[{"ghsaId","summary","severity","package","vulnerableVersionRange","firstPatchedVersion"}]}`.
import { z } from 'zod';
import type { ActionAdvisory } from './audit-facts.js';
import { advisorySeverity } from './audit-facts.js';

const AdvisoriesFile = z
  .object({
    advisories: z.array(
      z
        .object({
          ghsaId: z.string().regex(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/),
          summary: z.string(),
          severity: z.string().regex(/^(low|moderate|medium|high|critical)$/i),
          package: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
          vulnerableVersionRange: z.string().min(1),
          firstPatchedVersion: z.string().nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export function parseAdvisoriesFile(text: string): ActionAdvisory[] {
  const parsed = AdvisoriesFile.parse(JSON.parse(text));
  return parsed.advisories.map((advisory) => ({
    ...advisory,
    severity: advisorySeverity(advisory.severity),
    firstPatchedVersion: advisory.firstPatchedVersion ?? undefined,
  }));
}
