import { Liquid, type Template } from 'liquidjs';

/**
 * What a template may refer to. Every template in a flow (email subject and body, webhook
 * url, headers and body) renders against this one shape.
 */
export interface TemplateContext {
  /** `traits`: the user's traits from identify calls; templateContext() always sets it. */
  user: { email: string; traits?: Record<string, unknown> };
  event: { name: string; id?: string; timestamp?: string; properties: Record<string, unknown> };
  /** Shortcut for event.properties, the most used root in practice. */
  properties: Record<string, unknown>;
  flow: { id: string; name: string; version: string };
  /** Outcomes of finished nodes, and the properties of events a waitForEvent node received. */
  nodes: Record<string, { outcome?: string; properties?: Record<string, unknown> }>;
}

export const TEMPLATE_ROOTS: readonly (keyof TemplateContext)[] = [
  'user',
  'event',
  'properties',
  'flow',
  'nodes',
];

// strictVariables: a missing variable must fail the send, never put an empty string in an email.
// lenientIf keeps `{% if properties.x %}` and `| default:` usable for optional properties.
const options = {
  strictVariables: true,
  strictFilters: true,
  lenientIf: true,
  ownPropertyOnly: true,
};
const html = new Liquid({ ...options, outputEscape: 'escape' });
const plain = new Liquid(options);

export type Escaping = 'html' | 'none';

const engine = (escaping: Escaping) => (escaping === 'html' ? html : plain);

/** Throws the parser's message when the template does not compile. */
export function parseTemplate(template: string): Template[] {
  return plain.parse(template);
}

/** The context roots a template reads (`user`, `properties`, ...), to check them before a run. */
export function templateRoots(template: string): string[] {
  return plain.globalVariablesSync(template);
}

export async function renderTemplate(
  template: string,
  context: TemplateContext,
  escaping: Escaping,
): Promise<string> {
  return engine(escaping).parseAndRender(template, context) as Promise<string>;
}
