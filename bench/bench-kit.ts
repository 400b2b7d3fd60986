/**
 * What every benchmark module shares with the runner (`bench/run.ts`): the row it returns, the targets the
 * runner checks rows against, and the table printer.
 *
 * A benchmark module exports `async function benchSomething(options): Promise<Row[]>` and is listed once in
 * `GROUPS` in bench/run.ts (with its quick-mode options and the targets). A row may carry its own
 * `target` and `pass`; otherwise the runner applies the group's first matching {@link Target}.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One benchmark result. Only `name` is required; fill in what the measurement has. */
export interface Row {
  name: string;
  /** Throughput, in `unit` (default `ops/s`). */
  opsPerSec?: number;
  unit?: string;
  /** Latency percentiles, in milliseconds. */
  p50Ms?: number;
  p99Ms?: number;
  /** A duration (cold start, a purge), in milliseconds. */
  ms?: number;
  /** A memory figure, in MB. */
  mb?: number;
  /** The row this one is compared with, and `opsPerSec / baseline.opsPerSec`. */
  baselineName?: string;
  ratio?: number;
  /** The figure to reach, as printed (e.g. `≥ 50% of baseline`), and whether this run reached it. */
  target?: string;
  pass?: boolean;
  /** Anything the reader needs to interpret the row (e.g. `skipped: no form`). */
  note?: string;
}

/** A figure from an issue, applied by the runner to the rows whose name matches. */
export interface Target {
  match: RegExp;
  label: string;
  pass(row: Row): boolean;
  /** Whether the row has the figure this target is about (a baseline row has no ratio, for one). */
  applies(row: Row): boolean;
}

/** Target: throughput at least `min` (in the row's unit). */
export function atLeast(match: RegExp, min: number, unit = '/s'): Target {
  return { match, label: `≥ ${min.toLocaleString('en-US')}${unit}`, pass: (r) => (r.opsPerSec ?? -1) >= min, applies: (r) => r.opsPerSec !== undefined };
}

/** Target: ratio to the baseline at least `min` (0.5 = 50%). */
export function ratioAtLeast(match: RegExp, min: number): Target {
  return { match, label: `≥ ${Math.round(min * 100)}% of baseline`, pass: (r) => (r.ratio ?? -1) >= min, applies: (r) => r.ratio !== undefined };
}

/** Target: p99 latency below `ms`. */
export function p99Below(match: RegExp, ms: number): Target {
  return { match, label: `p99 < ${ms} ms`, pass: (r) => r.p99Ms !== undefined && r.p99Ms < ms, applies: (r) => r.p99Ms !== undefined };
}

/** Target: a duration below `ms`. */
export function durationBelow(match: RegExp, ms: number): Target {
  return { match, label: ms >= 1000 ? `< ${ms / 1000} s` : `< ${ms} ms`, pass: (r) => r.ms !== undefined && r.ms < ms, applies: (r) => r.ms !== undefined };
}

/** Target: memory below `mb`. */
export function memoryBelow(match: RegExp, mb: number): Target {
  return { match, label: `< ${mb} MB`, pass: (r) => r.mb !== undefined && r.mb < mb, applies: (r) => r.mb !== undefined };
}

/** Fills in `target`/`pass` from the first matching, applicable target, for rows that do not carry their own. */
export function applyTargets(rows: readonly Row[], targets: readonly Target[]): Row[] {
  return rows.map((row) => {
    if (row.target !== undefined) return row;
    const t = targets.find((x) => x.match.test(row.name) && x.applies(row));
    return t ? { ...row, target: t.label, pass: t.pass(row) } : row;
  });
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const dec = (n: number): string => (n >= 100 ? int(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** autocannon measures latency in whole milliseconds: 0 means under 1 ms. */
function latency(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms === 0 ? '< 1 ms' : `${dec(ms)} ms`;
}

/** The "result" cell: throughput, duration or memory, whichever the row has. */
function result(row: Row): string {
  if (row.opsPerSec !== undefined) return `${int(row.opsPerSec)} ${row.unit ?? 'ops/s'}`;
  if (row.ms !== undefined) return row.ms >= 1000 ? `${(row.ms / 1000).toFixed(2)} s` : `${dec(row.ms)} ms`;
  if (row.mb !== undefined) return `${dec(row.mb)} MB`;
  return '';
}

/** Formats rows as a plain-text table (fixed-width columns, no colours: it goes into notes and CI logs). */
export function formatTable(title: string, rows: readonly Row[]): string {
  const header = ['benchmark', 'result', 'p50', 'p99', 'vs baseline', 'target', ''];
  const body = rows.map((r) => [
    r.name + (r.note ? ` (${r.note})` : ''),
    result(r),
    latency(r.p50Ms),
    latency(r.p99Ms),
    r.ratio !== undefined ? `${Math.round(r.ratio * 100)}%` : '',
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 2 || i === 3 || i === 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [`## ${title}`, line(header), rule, ...body.map(line)].join('\n');
}

/** The p-th percentile (nearest rank) of an ascending list; NaN for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Operations per second of `op`, run by `concurrency` callers for `seconds`; `i` numbers the calls. */
export async function throughput(seconds: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) await op(n++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** What {@link load} sends: one HTTP request per entry, to one URL. */
export interface LoadSpec {
  url: string;
  method?: string;
  /** Keep-alive connections. */
  connections: number;
  /** Requests per second, evenly spaced (open loop); 0 sends each connection's next request on its answer. */
  rate: number;
  /** The status every answer should have. */
  expect: number;
  requests: ReadonlyArray<{ headers: Record<string, string>; body?: string }>;
}

/** What {@link load} measured (latencies in ms; open loop: from when each request was due). */
export interface LoadResult {
  sent: number;
  ok: number;
  unexpected: number;
  errors: number;
  firstUnexpected?: string;
  seconds: number;
  perSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Sends `spec` from a load generator in its own process (`bench/servers/load.js`), so that making the requests
 * takes no CPU from the server being measured (on two cores: one for each).
 */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bench-load-'));
  try {
    const file = path.join(dir, 'spec.json');
    fs.writeFileSync(file, JSON.stringify(spec));
    const script = fileURLToPath(new URL('./servers/load.js', import.meta.url));
    const proc = spawn(process.execPath, [script], { env: { ...process.env, LOAD_SPEC: file }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
    if (code !== 0) throw new Error(`the load generator exited with ${code}: ${err}`);
    const { latencies, ...counts } = JSON.parse(out) as Omit<LoadResult, 'perSec' | 'p50' | 'p90' | 'p99' | 'max'> & { latencies: number[] };
    latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round(percentile(latencies, p) * 100) / 100;
    return { ...counts, perSec: Math.round(counts.sent / counts.seconds), p50: at(50), p90: at(90), p99: at(99), max: at(100) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
