import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Flow, FlowFile } from '../../src/flows/schema';
import { flow } from '../flows';
import { FLAKY_PATH, REFUSING_PATH } from './sink';

type ActionFile = FlowFile['actions'][number];

// Short back-off: a scenario measures recovery, not a flow's patience.
const retry = { initialInterval: '250ms', maximumInterval: '2s' };

const welcome: ActionFile = {
  id: 'welcome',
  type: 'sendEmail',
  subject: 'welcome',
  body: '<p>one</p>',
  retry,
};
const webhook = (id: string, url: string, after: string): ActionFile => ({
  id,
  type: 'webhook',
  url,
  after: [after],
  retry,
});
const pause = (after: string): ActionFile => ({
  id: 'pause',
  type: 'delay',
  duration: '2s',
  after: [after],
});
const followup: ActionFile = {
  id: 'followup',
  type: 'sendEmail',
  subject: 'follow-up',
  body: '<p>two</p>',
  after: ['pause'],
  retry,
};

const flowFile = (id: string, event: string, actions: ActionFile[]): FlowFile => ({
  id,
  name: id,
  reentry: 'every-event',
  trigger: { event },
  actions,
});

/** email → webhook → short delay → email: what the kills interrupt. */
const killedFlow = (id: string, event: string) =>
  flowFile(id, event, [welcome, webhook('notify', '/chaos', 'welcome'), pause('notify'), followup]);

/** A webhook answered 500 then 200, then one refused with 400 that the run goes past. */
const failingTargetsFlow = (id: string, event: string) =>
  flowFile(id, event, [
    welcome,
    webhook('flaky', FLAKY_PATH, 'welcome'),
    { ...webhook('refused', REFUSING_PATH, 'flaky'), onFailure: 'continue' },
    pause('refused'),
    followup,
  ]);

const floodFlow = (id: string, event: string) =>
  flowFile(id, event, [{ id: 'notify', type: 'webhook', url: '/flood', retry }]);

/** Each scenario's flows, all on the scenario's one event. */
export const CHAOS_FLOWS = {
  workerKills: { event: 'chaos.worker', files: [killedFlow('chaos-worker', 'chaos.worker')] },
  temporalKills: {
    event: 'chaos.temporal',
    files: [killedFlow('chaos-temporal', 'chaos.temporal')],
  },
  failingTargets: {
    event: 'chaos.targets',
    files: [failingTargetsFlow('chaos-targets', 'chaos.targets')],
  },
  // Two flows on one event: an event can be half-started only when it starts several runs.
  unreachable: {
    event: 'chaos.unreachable',
    files: [
      killedFlow('chaos-unreachable-a', 'chaos.unreachable'),
      killedFlow('chaos-unreachable-b', 'chaos.unreachable'),
    ],
  },
  flood: { event: 'chaos.flood', files: [floodFlow('chaos-flood', 'chaos.flood')] },
};

export type ScenarioName = keyof typeof CHAOS_FLOWS;
export type ChaosFlows = Record<ScenarioName, Flow[]>;

/** Writes every chaos flow into `dir` (Socktech's FLOWS_DIR); returns them validated. */
export async function writeChaosFlows(dir: string): Promise<ChaosFlows> {
  mkdirSync(dir, { recursive: true });
  const entries = await Promise.all(
    Object.entries(CHAOS_FLOWS).map(async ([name, { files }]) => {
      for (const file of files) {
        writeFileSync(path.join(dir, `${file.id}.json`), JSON.stringify(file, null, 2));
      }
      return [name, await Promise.all(files.map((f) => flow(f)))] as const;
    }),
  );
  return Object.fromEntries(entries) as ChaosFlows;
}
