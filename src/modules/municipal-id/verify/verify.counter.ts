/**
 * Counts verifications — per day, channel (web page or API) and outcome — and nothing else: never the card
 * number, name, rid, key, IP address or time of a single check. Counts are added up in memory and written in
 * one small transaction every few seconds (and when the server stops), so a busy verify endpoint does not
 * write to the database on every request.
 */
import type { Db } from '../../../core/db/database.ts';
import { addVerificationCounts } from '../credential/credential.repo.ts';
import type { VerificationStatus } from '../credential/credential.reasons.ts';

export type VerificationChannel = 'web' | 'api';

export class VerificationCounter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly flushMs = 5_000,
  ) {}

  /** Counts one verification. */
  count(channel: VerificationChannel, status: VerificationStatus): void {
    const key = `${this.now().toISOString().slice(0, 10)}|${channel}|${status}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(() => undefined);
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes the counts gathered so far. */
  async flush(): Promise<void> {
    const run = async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      const rows = [...batch].map(([key, count]) => {
        const [day = '', channel = '', status = ''] = key.split('|');
        return { day, channel, status, count };
      });
      try {
        await this.db.kysely.transaction().execute((tx) => addVerificationCounts(tx, rows));
      } catch (err) {
        // Put them back for the next flush: a busy database must not lose counts (nor fail a verification).
        for (const [key, count] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + count);
        throw err;
      }
    };
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
