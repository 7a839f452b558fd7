import { buildIndex, type FlowIndex } from '../src/flows/load';
import type { Flow } from '../src/flows/schema';
import { matchesWhere } from '../src/flows/where';
import type { Bench } from './context';
import { flow } from './flows';
import { spread, type Spread } from './stats';

export interface MatchPoint {
  flows: number;
  /** Each flow on its own event: the index finds the few that match. */
  distinctEventsUs: Spread;
  /** Every flow on the same event: each where filter is evaluated. */
  sameEventUs: Spread;
}

const properties = { plan: 'pro', country: 'FR', seats: 12 };

/** What ingest does per event before starting anything: look up, then filter. */
function match(index: FlowIndex, event: string): number {
  return index.forEvent(event).filter((f) => matchesWhere(f.trigger.where, properties)).length;
}

function usPerMatch(index: FlowIndex, events: (i: number) => string, iterations: number): number {
  let matched = 0;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) matched += match(index, events(i));
  const us = ((performance.now() - started) * 1000) / iterations;
  if (matched === 0) throw new Error('no flow matched');
  return us;
}

/** In-process cost of matching an event with 1 to 10,000 flows loaded. */
export async function matchCost(b: Bench): Promise<MatchPoint[]> {
  const template = await flow({
    id: 'match',
    name: 'Match',
    trigger: { event: 'e', where: { plan: { in: ['pro', 'team'] }, country: 'FR' } },
    actions: [{ id: 'hook', type: 'webhook', url: '/match' }],
  });
  const copies = (count: number, event: (i: number) => string): Flow[] =>
    Array.from({ length: count }, (_, i) => ({
      ...template,
      id: `match-${i}`,
      trigger: { ...template.trigger, event: event(i) },
    }));

  const points: MatchPoint[] = [];
  for (const count of b.sizes.matchFlows) {
    b.progress.step(`match with ${count} flows`);
    const distinct = buildIndex(copies(count, (i) => `event.${i}`));
    const same = buildIndex(copies(count, () => 'event'));
    const iterations = Math.max(50, Math.round(500_000 / count));
    const distinctUs: number[] = [];
    const sameUs: number[] = [];
    usPerMatch(same, () => 'event', iterations); // warm-up: let the JIT compile the loop
    for (let rep = 0; rep < b.sizes.reps; rep++) {
      distinctUs.push(usPerMatch(distinct, (i) => `event.${i % count}`, 50_000));
      sameUs.push(usPerMatch(same, () => 'event', iterations));
    }
    points.push({
      flows: count,
      distinctEventsUs: spread(distinctUs),
      sameEventUs: spread(sameUs),
    });
  }
  return points;
}
