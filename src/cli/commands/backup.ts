import { parseArgs } from 'node:util';
import { classificationRegistry } from '../../app.ts';
import type { Config } from '../../config.ts';
import { AuditService } from '../../core/audit/audit.service.ts';
import { AuditKeyStore } from '../../core/audit/signing-key.ts';
import { BackupKeyRing } from '../../core/backup/backup-key.ts';
import { readBackupHeader } from '../../core/backup/backup-file.ts';
import { BackupVerifyError, createBackup, pruneBackups, restoreBackup, verifyBackupFile } from '../../core/backup/backup.service.ts';
import { openVault } from '../../core/crypto/vault.ts';
import { type Db, openDatabase } from '../../core/db/database.ts';
import type { CliIo, Command } from '../command.ts';
import { UsageError } from '../command.ts';

function auditFor(config: Config, db: Db): AuditService {
  return new AuditService({ db, now: () => new Date(), signingKeys: () => AuditKeyStore.open(config.auditKeyFile) });
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const BACKUP_HELP = `Writes one encrypted file: the database (SQLite online backup, or pg_dump of one consistent
snapshot), its manifest (row count and SHA-256 of every table) and a header, encrypted with the backup
key in chunks that each authenticate (AES-256-GCM). The backup key is SANCTUARY_BACKUP_KEY or the key
file BACKUP_KEY_FILE (created on first use beside the KEK file) — never in the database or BACKUP_DIR.
Keep a copy of that key wherever you keep the backups' key material: without it no backup opens.

Options:
  --out <file>      write here instead of BACKUP_DIR/sanctuary-<time>-<id>.sbk
  --prune           then keep only the newest BACKUP_KEEP files in BACKUP_DIR
  --verify <file>   only check a backup file: decrypt every chunk and compare with its manifest
                    (a full test-restore into a temporary copy on SQLite; an archive check on PostgreSQL)
  --rotate-key      add a new backup key and make it current (old keys stay, for old backups)

Not in the backup, by design (docs/privacy.md): the key vault (KEY_VAULT_URL) and the key files. Back
them up separately, the vault with a short retention.
The service also runs this every night (BACKUP_SCHEDULE) and tests each backup it takes.`;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Write an encrypted, checksummed backup of the database (--verify checks a backup file)',
  usage: 'sanctuary backup [--out file] [--prune] | --verify file | --rotate-key',
  help: BACKUP_HELP,
  async run(args, { config, io }) {
    const { values, positionals } = parseArgs({
      args,
      options: { out: { type: 'string' }, prune: { type: 'boolean', default: false }, verify: { type: 'string' }, 'rotate-key': { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const cfg = config();
    if (values['rotate-key']) {
      const keys = await BackupKeyRing.open(cfg.backup);
      const kid = await keys.rotate();
      io.out(`New backup key ${kid} (in ${keys.source}). Older keys stay there for older backups.`);
      return 0;
    }
    if (values.verify) {
      const keys = await BackupKeyRing.open(cfg.backup, { create: false });
      try {
        const r = await verifyBackupFile({ inFile: values.verify, keys, tempDir: cfg.backup.dir });
        io.out(`OK: backup ${r.header.id} of ${r.header.createdAt} (${r.header.dialect}) decrypts and ${r.full ? 'matches its manifest' : 'is a readable pg_dump archive'}: ${r.tables} tables, ${r.rows} rows.`);
        return 0;
      } catch (err) {
        io.out(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
        return 1;
      }
    }
    const keys = await BackupKeyRing.open(cfg.backup);
    io.err('Writing the backup…');
    const result = await createBackup({ target: cfg.database, keys, dir: cfg.backup.dir, outFile: values.out });
    const db = openDatabase(cfg.database);
    try {
      await auditFor(cfg, db).recordNow({ actor: { id: null, role: 'operator' }, action: 'admin.backup', record: { type: 'core.backup', id: result.id }, purpose: 'backup' });
    } finally {
      await db.close();
    }
    io.out(`Backup ${result.id} written to ${result.file} (${mb(result.bytes)}): ${result.tables} tables, ${result.rows} rows.`);
    if (values.prune) {
      const pruned = await pruneBackups(cfg.backup.dir, cfg.backup.keep);
      if (pruned.length > 0) io.out(`Pruned ${pruned.length} old backup(s), keeping the newest ${cfg.backup.keep}.`);
    }
    io.err('Remember: the key vault and the key files are not in this backup (docs/privacy.md).');
    return 0;
  },
};

const RESTORE_HELP = `Replaces the configured database with a backup, after checking it:
  1. decrypts the file, authenticating every chunk (a damaged or altered file stops here);
  2. checks the dump against the manifest (SQLite: before anything is replaced);
  3. SQLite: replaces the database file atomically — refused while any server or worker has it open;
     PostgreSQL: pg_restore --clean --single-transaction (stop every instance first), drops tables the
     backup does not have;
  4. recomputes every table's row count and checksum and fails loudly on any difference;
  5. removes again the people forgotten since the backup was taken (their keys are gone from the key
     vault; their rows are deleted) and records the restore in the audit log.

Options:
  --in <file>   the backup file (required)
  --yes         really replace the database (without it, only says what would be restored)

This is an operator command: whoever runs it holds the key files and the database credentials. The web
interface has no restore; if one is added it must require an administrator's passkey step-up (R10).
After restoring an older backup, witnesses' copies of newer audit checkpoints will show the log ending
earlier than they saw — that is the restore, and the audit log records it.`;

async function afterRestore(cfg: Config, io: CliIo, backupId: string): Promise<void> {
  const db = openDatabase(cfg.database);
  try {
    await auditFor(cfg, db).recordNow({ actor: { id: null, role: 'operator' }, action: 'admin.restore', record: { type: 'core.backup', id: backupId }, purpose: 'backup' });
    const vault = await openVault(cfg, { db });
    // As in app.ts: the tables whose rows belong to a subject, so a re-forget deletes them.
    for (const t of classificationRegistry().tables('main')) {
      if (t.subjectColumn) vault.subjectRows.register({ table: t.table, subjectColumn: t.subjectColumn, program: t.program, owner: t.owner });
    }
    try {
      const r = await vault.reconcile();
      io.out(`Key vault reconciled: ${r.forgotten} person(s) forgotten since this backup was taken removed again; ${r.orphans} unused key(s) left in the vault.`);
    } finally {
      await vault.close();
    }
  } finally {
    await db.close();
  }
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Restore an encrypted backup, verified by row counts and checksums (operator only)',
  usage: 'sanctuary restore --in file [--yes]',
  help: RESTORE_HELP,
  async run(args, { config, io }) {
    const { values, positionals } = parseArgs({ args, options: { in: { type: 'string' }, yes: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    if (!values.in) throw new UsageError('--in <backup file> is required');
    const cfg = config();
    const { header } = await readBackupHeader(values.in);
    const where = cfg.database.kind === 'sqlite' ? cfg.database.file : 'the PostgreSQL database in DATABASE_URL';
    if (!values.yes) {
      io.out(`Would replace ${where} with backup ${header.id} taken ${header.createdAt} (${header.dialect}). Run again with --yes to do it.`);
      return 2;
    }
    const keys = await BackupKeyRing.open(cfg.backup, { create: false });
    try {
      const r = await restoreBackup({ target: cfg.database, keys, inFile: values.in, onStep: (s) => io.err(`… ${s}`) });
      io.out(`Restored backup ${r.id} of ${r.createdAt}: ${r.tables} tables and ${r.rows} rows, every count and checksum matches.`);
    } catch (err) {
      if (err instanceof BackupVerifyError) {
        io.out(`RESTORE FAILED VERIFICATION: ${err.message}`);
        for (const m of err.mismatches.slice(0, 20)) io.out(`  ${m.table}: ${m.problem}`);
        return 1;
      }
      throw err;
    }
    await afterRestore(cfg, io, header.id);
    return 0;
  },
};
