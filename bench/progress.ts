export interface Progress {
  /** A step begins: the bar shows the steps before it as done. */
  step(label: string): void;
  done(): void;
}

const WIDTH = 30;

/** A bar on stderr, redrawn in place on a terminal, a line per step otherwise. */
export function progressBar(total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  let finished = 0;
  const started = Date.now();
  const draw = (label: string) => {
    const filled = Math.round((WIDTH * finished) / total);
    const seconds = Math.round((Date.now() - started) / 1000);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
    const line = `${bar} ${finished}/${total} ${seconds}s ${label}`;
    const width = (out.columns ?? 100) - 1;
    out.write(out.isTTY ? `\r${line.slice(0, width).padEnd(width)}` : `${line}\n`);
  };
  return {
    step(label) {
      draw(label);
      finished = Math.min(total, finished + 1);
    },
    done() {
      finished = total;
      draw('done');
      if (out.isTTY) out.write('\n');
    },
  };
}

export const silentProgress: Progress = { step: () => {}, done: () => {} };
