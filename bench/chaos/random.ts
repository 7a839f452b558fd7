/** mulberry32: numbers in [0, 1) from a seed, so that `--seed` replays a run's kill moments. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number of seconds between `min` and `max`, in milliseconds. */
export const between = (random: () => number, [min, max]: readonly [number, number]) =>
  (min + random() * (max - min)) * 1000;
