import type { ScheduleDefinition } from '../jobs/job-queue.ts';
import { BackupKeyRing } from './backup-key.ts';
import { createBackup, pruneBackups, verifyBackupFile } from './backup.service.ts';

/**
 * The nightly backup (R42): take an encrypted backup into `BACKUP_DIR`, record it in the audit log, test it
 * at once (decrypt every chunk and compare with the manifest — a full test-restore on SQLite), then keep only
 * the newest `BACKUP_KEEP` files. A failure fails the job (retried with backoff) and leaves an error in the log.
 */
export function backupSchedule(cron: string): ScheduleDefinition {
  return {
    name: 'backup.nightly',
    cron,
    lockMs: 60 * 60_000,
    maxAttempts: 3,
    async handler(_payload, run) {
      const { config, log } = run.ctx;
      const keys = await BackupKeyRing.open(config.backup);
      const result = await createBackup({ target: config.database, keys, dir: config.backup.dir, now: run.ctx.now() });
      await run.ctx.audit.recordNow({ actor: { id: null, role: 'system' }, action: 'admin.backup', record: { type: 'core.backup', id: result.id }, purpose: 'backup' });
      const checked = await verifyBackupFile({ inFile: result.file, keys, tempDir: config.backup.dir });
      const pruned = await pruneBackups(config.backup.dir, config.backup.keep);
      log.info(
        { job: 'backup.nightly', backup: result.id, bytes: result.bytes, tables: result.tables, rows: result.rows, verified: checked.full ? 'full' : 'archive', pruned: pruned.length },
        'backup written and verified',
      );
    },
  };
}
