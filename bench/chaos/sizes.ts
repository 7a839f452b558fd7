import type { FailingTargetsSizes } from './failingTargets';
import type { FloodSizes } from './flood';
import type { KillSizes } from './kills';
import type { UnreachableSizes } from './unreachable';

/** How much each scenario does; `--quick` runs every one small. */
export interface ChaosSizes {
  workerKills: KillSizes;
  temporalKills: KillSizes;
  failingTargets: FailingTargetsSizes;
  unreachable: UnreachableSizes;
  flood: FloodSizes;
}

export const FULL: ChaosSizes = {
  workerKills: { runs: 200, kills: 6, gapS: [0.5, 3] },
  temporalKills: { runs: 200, kills: 6, gapS: [0.5, 3] },
  failingTargets: { runs: 60, smtpDownS: 60 },
  unreachable: { perSecond: 5, downS: 20, aroundS: 5 },
  flood: { probeS: 3, burstS: 10, factor: 10 },
};

export const QUICK: ChaosSizes = {
  workerKills: { runs: 40, kills: 2, gapS: [0.5, 3] },
  temporalKills: { runs: 40, kills: 2, gapS: [0.5, 3] },
  failingTargets: { runs: 20, smtpDownS: 10 },
  unreachable: { perSecond: 5, downS: 6, aroundS: 3 },
  flood: { probeS: 2, burstS: 1, factor: 10 },
};
