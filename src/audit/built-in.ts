// The compromises pinwarden ships, indexed once for every check and for the planner's refusal.
import { COMPROMISES } from './compromise-data.js';
import { indexCompromises } from './known-compromised.js';

export const BUILT_IN_COMPROMISES = indexCompromises(COMPROMISES);
