import type { Template } from 'liquidjs';
import { parseTemplate } from '../templates';
import { childrenOf, printedValue } from './liquidTree';
import type { FlowProblem } from './problems';
import type { Action, WebhookAction } from './schema';

/** JSON unless a Content-Type header says otherwise, as the webhook activity sends it. */
function sendsJson(action: WebhookAction): boolean {
  const type = Object.entries(action.headers).find(([name]) => /^content-type$/i.test(name));
  return type === undefined || /json/i.test(type[1]);
}

/** The source of every output and echo that does not end with `| json`, nested ones included. */
function unencoded(templates: Template[]): string[] {
  return templates.flatMap((template) => {
    const value = printedValue(template);
    const raw = value && value.filters.at(-1)?.name !== 'json';
    return [...(raw ? [template.token.getText()] : []), ...unencoded(childrenOf(template))];
  });
}

function withJson(output: string): string {
  const inner = /^\{\{-?\s*([\s\S]*?)\s*-?\}\}$/.exec(output)?.[1];
  return inner === undefined ? 'end it with | json' : `write {{ ${inner} | json }}`;
}

/**
 * A JSON webhook body must encode every value it puts in: `"n": {{ properties.n }}` with
 * `3, "admin": true` would add a key. So every output of such a body ends with `| json`.
 */
export function jsonBodyProblems(actions: readonly Action[]): Omit<FlowProblem, 'file' | 'flow'>[] {
  return actions.flatMap((action) => {
    if (action.type !== 'webhook' || action.body === undefined || !sendsJson(action)) return [];
    return unencoded(parseTemplate(action.body)).map((output) => ({
      node: action.id,
      message:
        `body: ${output} is not JSON-encoded, so a value could add keys: ${withJson(output)} ` +
        '(a string gets its quotes from the filter)',
    }));
  });
}
