// Indicators of compromise in a file's text: the exfiltration domain of the trivy stealer
// (`scan.aquasecurtiy.org`, note the typo), its fallback repository names, and the other
// indicators the compromise data lists. Any hit is critical: the file talks to the attacker.
import type { CompromiseData } from './compromise-data.js';
import type { Finding } from './types.js';

export interface Indicator {
  readonly text: string;
  readonly incident: string;
}

export function indicatorsOf(data: CompromiseData): Indicator[] {
  const seen = new Map<string, Indicator>();
  for (const incident of data.incidents) {
    for (const text of [...incident.iocs.domains, ...incident.iocs.repositoryNames, ...(incident.iocs.strings ?? [])]) {
      if (!seen.has(text.toLowerCase())) seen.set(text.toLowerCase(), { text, incident: incident.id });
    }
  }
  return [...seen.values()];
}

export function checkIndicators(path: string, text: string, indicators: readonly Indicator[]): Finding[] {
  const lower = text.toLowerCase();
  if (!indicators.some((indicator) => lower.includes(indicator.text.toLowerCase()))) return [];
  return text.split('\n').flatMap((line, index) =>
    indicators
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
