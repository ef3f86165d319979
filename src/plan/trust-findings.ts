// What pin-time trust said of a plan, as findings with their place: the held references and the
// verdicts that rode along with a pin. The CLI prints them, the App puts them in its pull request.
import type { PinPlan } from '../rewrite/types.js';
import type { TrustVerdict } from '../trust/types.js';

export interface TrustFinding extends TrustVerdict {
  readonly path: string;
  readonly line: number;
  readonly uses: string;
}

export function trustFindings(path: string, plan: PinPlan): TrustFinding[] {
  return plan.entries.flatMap((entry) => {
    const at = entry.action === 'pin' ? entry.pin.site : entry.site;
    const verdicts =
      entry.action === 'pin' ? (entry.pin.trust ?? []) : entry.action === 'skip' ? (entry.held ?? []) : [];
    return verdicts.map((verdict) => ({ path, line: at.line, uses: at.value, ...verdict }));
  });
}
