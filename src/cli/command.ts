import type { Config } from '../config.ts';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** True when stderr is a terminal (progress bars redraw in place). */
  tty: boolean;
}

/** A subcommand of `sanctuary`. Exit codes: 0 success, 1 failure, 2 usage error. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Longer help printed by `sanctuary <name> --help`. */
  help?: string;
  run(args: string[], env: { config: () => Config; io: CliIo }): Promise<number>;
}

/** Thrown for bad arguments; printed with the command's usage and exit code 2. */
export class UsageError extends Error {}

/** Draws a progress bar on stderr for long work; a plain line per 10% when not a terminal. */
export function progress(io: CliIo, label: string, total: number): { tick(n?: number): void; done(): void } {
  let done = 0;
  let lastDecile = -1;
  const draw = () => {
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    if (io.tty) {
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    } else {
      const decile = Math.floor(ratio * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        io.err(`${label}: ${Math.round(ratio * 100)}% (${done}/${total})`);
      }
    }
  };
  draw();
  return {
    tick(n = 1) {
      done += n;
      draw();
    },
    done() {
      done = total;
      draw();
      if (io.tty) process.stderr.write('\n');
    },
  };
}
