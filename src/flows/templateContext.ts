import type { TemplateContext } from '../templates';
import type { Flow } from './schema';

/**
 * What every template renders against, built in one place for a run's actions (in the
 * workflow, so this stays pure), the check's sample renders and previews, and the bench's
 * baseline. `user.traits` is always there, empty for a user no identify call described, so a
 * template may test or default a trait without knowing whether the user has a profile.
 */
export function templateContext(
  flow: Pick<Flow, 'id' | 'name' | 'version'>,
  user: { email: string; traits?: Record<string, unknown> },
  event: TemplateContext['event'],
  nodes: TemplateContext['nodes'] = {},
): TemplateContext {
  return {
    user: { email: user.email, traits: user.traits ?? {} },
    event,
    properties: event.properties,
    flow: { id: flow.id, name: flow.name, version: flow.version },
    nodes,
  };
}
