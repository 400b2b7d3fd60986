import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ClockService } from '../clocks/clocks.service.ts';
import type { PermissionRegistry } from '../auth/permissions.ts';
import type { KeyProvider } from '../crypto/key-provider.ts';
import type { Vault } from '../crypto/vault.ts';
import type { FormRegistry } from '../forms/form-registry.ts';
import type { Db } from '../db/database.ts';
import type { Messages } from '../i18n/messages.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { RetentionService } from '../privacy/retention.service.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Jurisdiction } from '../jurisdiction/index.ts';
import type { PdfPrinter } from '../pdf/pdf-printer.ts';

/**
 * The services every route and job receives. Built once in `app.ts` (the composition root); nothing reads
 * globals or the environment.
 */
export interface AppContext {
  config: Config;
  db: Db;
  jurisdiction: Jurisdiction;
  messages: Messages;
  permissions: PermissionRegistry;
  log: Logger;
  /** Clock seam for tests of timeouts and retention. */
  now(): Date;
  /** The tamper-evident audit log: `record(tx, entry)` in the action's transaction, `recordNow(entry)` alone. */
  audit: AuditService;
  /** The job queue: `enqueue({ name, payload })` (ids and codes only); jobs and schedules are registered at start. */
  jobs: JobQueue;
  /** Retention policies, the daily purge with receipts, `purge --dry-run`, and court-ordered legal holds. */
  retention: RetentionService;
  /** Encryption of personal data: per-subject keys, seal/open, blind indexes, forgetting (`core/crypto/vault.ts`). */
  vault: Vault;
  /** The key provider behind the vault (KEKs and the blind-index root key); prefer `vault` in application code. */
  keys: KeyProvider;
  /** Every guided public form (from the modules' `forms`), served at `/forms/<id>` (`core/forms`). */
  forms: FormRegistry;
  /** Outbound email and SMS: `notify(ctx, { … })` queues a message, a job sends it (`core/notify`). */
  notifier: Notifier;
  /** Deadline clocks from the profile's rules: start, pause, extend, meet, history, reminders (`core/clocks`). */
  clocks: ClockService;
  /** HTML to PDF on a warm, pooled, offline Chromium (`core/pdf`); launched on first print, closed with the app. */
  pdf: PdfPrinter;
}
