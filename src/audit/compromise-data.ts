// The known-compromised actions pinwarden ships (data/compromises.json, sourced entry by entry).
// Its schema (compromise-data-schema.ts) holds it in the tests: a malformed data file fails the
// build, never silently clears a pin.
import raw from './data/compromises.json' with { type: 'json' };
import type { CompromiseData } from './compromise-data-schema.js';

export type { CompromiseData, Incident } from './compromise-data-schema.js';

export const COMPROMISES: CompromiseData = raw as CompromiseData;
