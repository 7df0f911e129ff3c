import { Rule } from '../rule';
import { stateNameLength, stateNameUnique } from './state-name-rules';

/** Every rule, in the order findings are reported. */
export const ALL_RULES: Rule[] = [stateNameLength, stateNameUnique];
