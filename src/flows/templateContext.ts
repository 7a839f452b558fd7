import type { TemplateContext } from '../templates';
import type { Flow } from './schema';

/**
 * What every template renders against, built in one place for a run's actions (in the
 * workflow, so this stays pure), the check's sample renders and the bench's baseline.
 */
export function templateContext(
  flow: Pick<Flow, 'id' | 'name' | 'version'>,
  user: { email: string },
  event: TemplateContext['event'],
  nodes: TemplateContext['nodes'] = {},
): TemplateContext {
  return {
    user: { email: user.email },
    event,
    properties: event.properties,
    flow: { id: flow.id, name: flow.name, version: flow.version },
    nodes,
  };
}
