import { ApplicationFailure } from '@temporalio/common';
import { renderTemplate, type Escaping, type TemplateContext } from '../templates';

/**
 * Renders one field of a node. A template that fails to render will fail the same way on every
 * retry, so the error is permanent and names the field, which the operator sees on the node.
 */
export async function renderField(
  field: string,
  template: string,
  context: TemplateContext,
  escaping: Escaping,
): Promise<string> {
  try {
    return await renderTemplate(template, context, escaping);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `${field} template: ${(err as Error).message}`,
      'TemplateError',
    );
  }
}
