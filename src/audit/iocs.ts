// Indicators of compromise in a file's text: the exfiltration domain of the trivy stealer
// (`scan.aquasecurtiy.org`, note the typo), its fallback repository names, and the other
// indicators the compromise data lists. Any hit is critical: the file talks to the attacker.
import { escapeRegExp } from '../common/escape-regexp.js';
import { memoByObject } from '../common/object-memo.js';
import type { CompromiseData } from './compromise-data.js';
import type { Finding } from './types.js';

export interface Indicator {
  readonly text: string;
  readonly incident: string;
}

/** The indicators to look for, and one pattern that finds any of them (case aside) in a single pass. */
export interface Indicators {
  readonly list: readonly Indicator[];
  readonly any: RegExp;
}

// Worked out once per data (the audit of each repository asks again; the data never changes).
export const indicatorsOf = memoByObject((data: CompromiseData): Indicators => {
  const seen = new Map<string, Indicator>();
  for (const incident of data.incidents) {
    for (const text of [...incident.iocs.domains, ...incident.iocs.repositoryNames, ...(incident.iocs.strings ?? [])]) {
      if (!seen.has(text.toLowerCase())) seen.set(text.toLowerCase(), { text, incident: incident.id });
    }
  }
  const list = [...seen.values()];
  // A file is searched once for all of them, without a lower-cased copy of its text (that copy
  // and a search per indicator were a tenth of the audit of 1,016 files, 2026-12-07).
  const any = list.map((indicator) => escapeRegExp(indicator.text)).join('|');
  return { list, any: list.length > 0 ? new RegExp(any, 'iu') : /(?!)/ };
});

export function checkIndicators(path: string, text: string, indicators: Indicators): Finding[] {
  if (!indicators.any.test(text)) return [];
  return text.split('\n').flatMap((line, index) =>
    indicators.list
      .filter((indicator) => line.toLowerCase().includes(indicator.text.toLowerCase()))
      .map((indicator): Finding => ({
        path,
        line: index + 1,
        uses: line.trim().slice(0, 200),
        check: 'ioc',
        severity: 'critical',
        message: `this line holds "${indicator.text}", an indicator of the ${indicator.incident} compromise: find out who added it and when, and treat the secrets of every workflow run since as stolen.`,
        evidence: { indicator: indicator.text, incident: indicator.incident },
      })),
  );
}
