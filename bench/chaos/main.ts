import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { writeResults } from '../results';
import { failingTargets } from './failingTargets';
import { flood } from './flood';
import { CHAOS_FLOWS, type ScenarioName } from './flows';
import { temporalKills, workerKills } from './kills';
import { seeded } from './random';
import { missedTargets, type Note, type ScenarioFigures, type ScenarioResult } from './scenario';
import { FULL, QUICK, type ChaosSizes } from './sizes';
import { startChaosSystem, type ChaosSystem } from './system';
import { chaosReport } from './table';
import { unreachable } from './unreachable';

type Scenario = (
  sys: ChaosSystem,
  sizes: ChaosSizes,
  random: () => number,
  note: Note,
) => Promise<ScenarioFigures>;

const SCENARIOS: Record<ScenarioName, Scenario> = {
  workerKills: (sys, sizes, random, note) => workerKills(sys, sizes.workerKills, random, note),
  temporalKills: (sys, sizes, random, note) =>
    temporalKills(sys, sizes.temporalKills, random, note),
  failingTargets: (sys, sizes, _random, note) => failingTargets(sys, sizes.failingTargets, note),
  unreachable: (sys, sizes, _random, note) => unreachable(sys, sizes.unreachable, note),
  flood: (sys, sizes, _random, note) => flood(sys, sizes.flood, note),
};

const names = Object.keys(CHAOS_FLOWS) as [ScenarioName, ...ScenarioName[]];
const argsSchema = z.object({
  quick: z.boolean().default(false),
  seed: z.coerce
    .number({ error: '--seed: expected a whole number' })
    .int('--seed: expected a whole number')
    .default(() => Math.floor(Math.random() * 2 ** 31)),
  only: z
    .string()
    .transform((list) => list.split(','))
    .pipe(z.array(z.enum(names, { error: `--only: expected some of ${names.join(',')}` })))
    .default(names),
});

/** `npm run chaos [-- --quick] [--seed N] [--only a,b]`: Socktech's processes killed, measured. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, seed: { type: 'string' }, only: { type: 'string' } },
  });
  const args = argsSchema.safeParse(values);
  if (!args.success) throw new Error(args.error.issues.map((i) => i.message).join('\n'));
  const { quick, seed, only } = args.data;
  const sizes = quick ? QUICK : FULL;
  const random = seeded(seed);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const note: Note = (line) => {
    const s = Math.round((Date.now() - startedAt.getTime()) / 1000);
    process.stderr.write(`[chaos ${s}s] ${line}\n`);
  };

  note(`seed ${seed}; starting a Temporal dev server, Socktech (npm start) and the counting sink`);
  const sys = await startChaosSystem();
  const results: ScenarioResult[] = [];
  try {
    for (const name of only) {
      note(`== ${name}`);
      const crashes = sys.socktech.crashes();
      const started = performance.now();
      const figures = await SCENARIOS[name](sys, sizes, random, note);
      results.push({
        ...figures,
        crashes: sys.socktech.crashes() - crashes,
        durationS: Math.round((performance.now() - started) / 1000),
      });
    }
  } finally {
    await sys.stop(true);
  }

  const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
  const figures = {
    startedAt: startedAt.toISOString(),
    durationS,
    quick,
    seed,
    targetsMet: results.every((r) => missedTargets(r).length === 0),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      node: process.version,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0] },
    },
    sizes,
    scenarios: results.map((r) => ({ ...r, missedTargets: missedTargets(r) })),
  };
  const file = writeResults(figures, 'chaos-');
  process.stdout.write(
    `\nSocktech under chaos, ${cpus().length} cores, ${quick ? 'quick' : 'full'} run in ` +
      `${durationS} s, seed ${seed}, load average ${loadAtStart.toFixed(1)} before, ` +
      `${loadavg()[0].toFixed(1)} after\n\n${chaosReport(results)}\n\n` +
      `all figures: ${path.relative(process.cwd(), file)}; logs of Socktech and Temporal: ` +
      `${sys.dir}\n`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
