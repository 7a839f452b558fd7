import type { Action } from './schema';

/** Each template of an action, named by its field; optional fields may be undefined. */
export function templatesOf(action: Action): [field: string, template: string | undefined][] {
  switch (action.type) {
    case 'sendEmail':
      return [
        ['to', action.to],
        ['subject', action.subject],
        ['body', action.body],
      ];
    case 'webhook':
      return [
        ['url', action.url],
        ...Object.entries(action.headers).map(([name, value]): [string, string] => [
          `headers.${name}`,
          value,
        ]),
        ['body', action.body],
      ];
    case 'delay':
    case 'waitForEvent':
    case 'branch':
    case 'split':
      return [];
  }
}
