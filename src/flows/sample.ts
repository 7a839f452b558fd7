import { renderTemplate, type TemplateContext } from '../templates';
import { templatesOf } from './actionTemplates';
import type { FlowProblem } from './problems';
import { propertyProblems, requiredProperties } from './requiredProperties';
import type { Action, Flow, Sample } from './schema';
import { templateContext } from './templateContext';
import { matchesWhere } from './where';

type FlowInfo = Pick<Flow, 'id' | 'name' | 'version' | 'trigger'>;

/** What the templates see for the sample: each wait received the event the sample gives it. */
export function sampleContext(
  flow: FlowInfo,
  sample: Sample,
  actions: readonly Action[],
): TemplateContext {
  const nodes: TemplateContext['nodes'] = {};
  for (const action of actions) {
    if (action.type === 'waitForEvent') {
      nodes[action.id] = { outcome: 'received', properties: sample.received[action.id] ?? {} };
    }
  }
  const event = { name: sample.event, properties: sample.properties };
  return templateContext(flow, { email: sample.email, traits: sample.traits }, event, nodes);
}

/**
 * Renders every template against the sample event: templates use strict variables, so a
 * variable the sample lacks fails here, at check time, rather than in a send.
 */
export async function sampleProblems(
  flow: FlowInfo,
  sample: Sample,
  actions: readonly Action[],
): Promise<FlowProblem[]> {
  const { event, where } = flow.trigger;
  const filtered = sample.event === event && !matchesWhere(where, sample.properties);
  const context = sampleContext(flow, sample, actions);
  const renders = actions.flatMap((action) =>
    templatesOf(action).map(async ([field, template]): Promise<FlowProblem[]> => {
      if (template === undefined) return [];
      try {
        // Escaping changes what a template outputs, not which variables it needs.
        await renderTemplate(template, context, 'none');
        return [];
      } catch (err) {
        return [
          { node: action.id, message: `${field}: fails on the sample: ${(err as Error).message}` },
        ];
      }
    }),
  );
  // Missing properties already fail their render above; an object printed as text does not.
  const wrongType =
    propertyProblems(requiredProperties({ actions }), sample, sample.traits)?.wrongType ?? [];
  return [
    ...(filtered ? [{ message: 'sample: properties do not match trigger.where' }] : []),
    ...(await Promise.all(renders)).flat(),
    ...wrongType.map((path) => ({
      message: `sample: ${path} is an object or an array, but a template prints it as text`,
    })),
  ];
}
