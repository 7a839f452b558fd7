import type { Flow, FlowFile } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';

/** A flow written in a test, validated and normalised exactly as a flow file would be. */
export async function testFlow(file: FlowFile): Promise<Flow> {
  const result = await validateFlow(file);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.flow;
}
