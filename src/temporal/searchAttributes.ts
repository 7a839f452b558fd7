import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import declared from './search-attributes.json';

// The JSON file is the one declaration: temporal-dev.sh registers the same names on the server.
const keyword = (name: keyof typeof declared) =>
  defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);

export const FLOW_ID = keyword('SocktechFlowId');
export const FLOW_VERSION = keyword('SocktechFlowVersion');
export const USER = keyword('SocktechUser');
export const EVENT = keyword('SocktechEvent');
/** Set by the run as it ends, only when it says more than Temporal's status: `exited`. */
export const OUTCOME = keyword('SocktechOutcome');
export const EXITED = 'exited';
