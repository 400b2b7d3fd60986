import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { AuditService } from '../../core/audit/audit.service.ts';
import { type SignedCheckpoint, parseCheckpoints } from '../../core/audit/checkpoint.ts';
import { AuditKeyStore, type AuditVerifyKey, verifyKeysFromJwks } from '../../core/audit/signing-key.ts';
import { type Db, openDatabase } from '../../core/db/database.ts';
import { type CliIo, type Command, UsageError, progress } from '../command.ts';

const HELP = `Subcommands:
  verify       Recompute the whole hash chain and check every signed checkpoint.
               Exit code 0 when the log is intact, 1 when any entry was edited, deleted,
               inserted or reordered (the first bad sequence number is printed).
                 --checkpoints <file>  also check checkpoints copied off the server earlier
                                       (the JSON of GET /api/v1/audit/checkpoints)
                 --public-key <file>   verify signatures with a pinned key set (the JSON of
                                       GET /.well-known/audit-key.json) instead of the local key file
                 --json                print the full report as JSON
  checkpoint   Sign the current chain head now (the server also does this every hour).
  checkpoints  Print every signed checkpoint as JSON, to hand to a witness (--out <file> to write a file).
  rotate-key   Start signing checkpoints with a new Ed25519 key (old keys stay, to verify old checkpoints).

The signing keys live in AUDIT_KEY_FILE (default: beside the KEK file), never in the database.`;

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file} as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function service(config: Config, db: Db, create: boolean): AuditService {
  return new AuditService({ db, now: () => new Date(), signingKeys: () => AuditKeyStore.open(config.auditKeyFile, { create }) });
}

async function verify(args: string[], config: Config, db: Db, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { checkpoints: { type: 'string' }, 'public-key': { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  let external: SignedCheckpoint[] = [];
  if (values.checkpoints) {
    try {
      external = parseCheckpoints(await readJson(values.checkpoints));
    } catch (err) {
      throw new UsageError(`${values.checkpoints}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let keys: AuditVerifyKey[] | undefined;
  if (values['public-key']) {
    try {
      keys = verifyKeysFromJwks(await readJson(values['public-key']));
    } catch (err) {
      throw new UsageError(`${values['public-key']}: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else {
    try {
      keys = (await AuditKeyStore.open(config.auditKeyFile, { create: false })).verifyKeys();
    } catch (err) {
      // Without any public key every checkpoint counts as forged, which is the safe reading.
      io.err(`warning: no audit signing key (${err instanceof Error ? err.message : String(err)}); checkpoints cannot be verified`);
      keys = [];
    }
  }
  const audit = service(config, db, false);
  const head = await audit.head();
  const bar = progress(io, 'Verifying audit log', head.seq);
  let shown = 0;
  const report = await audit.verify({
    keys,
    externalCheckpoints: external,
    onProgress: (done) => {
      bar.tick(done - shown);
      shown = done;
    },
  });
  bar.done();
  if (values.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    io.out(`entries: ${report.entries} (last seq ${report.lastSeq}), checkpoints checked: ${report.checkpointsChecked}`);
    io.out(`speed: ${report.entriesPerSecond.toLocaleString('en-US')} entries/s (${Math.round(report.durationMs)} ms)`);
    if (report.ok) {
      io.out(`OK: the audit log is intact; head ${report.lastHash}`);
    } else {
      io.out(`TAMPERED: first bad entry is seq ${report.firstBadSeq} (${report.problemCount} problem(s))`);
      for (const p of report.problems) io.out(`  seq ${p.seq} [${p.kind}] ${p.message}`);
    }
  }
  return report.ok ? 0 : 1;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the tamper-evident audit log, sign checkpoints, export them for witnesses',
  usage: 'sanctuary audit verify [--checkpoints file] [--public-key file] [--json] | checkpoint | checkpoints [--out file] | rotate-key',
  help: HELP,
  async run(args, { config, io }) {
    const [sub, ...rest] = args;
    if (!sub || !['verify', 'checkpoint', 'checkpoints', 'rotate-key'].includes(sub)) {
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
    }
    const cfg = config();
    if (sub === 'rotate-key') {
      if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
      const store = await AuditKeyStore.open(cfg.auditKeyFile);
      const kid = await store.rotate();
      io.out(`New audit signing key ${kid}. Restart running instances; publish the new /.well-known/audit-key.json to witnesses.`);
      return 0;
    }
    const db = openDatabase(cfg.database);
    try {
      if (sub === 'verify') return await verify(rest, cfg, db, io);
      if (sub === 'checkpoint') {
        if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
        const cp = await service(cfg, db, true).checkpoint();
        io.out(JSON.stringify(cp));
        return 0;
      }
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } }, strict: true });
      const checkpoints = await service(cfg, db, false).checkpoints();
      const text = `${JSON.stringify({ format: 'sanctuary-audit-checkpoint:v1', checkpoints }, null, 2)}\n`;
      if (values.out) {
        await fs.writeFile(values.out, text, { mode: 0o644 });
        io.err(`${checkpoints.length} checkpoint(s) written to ${values.out}`);
      } else {
        io.out(text.trimEnd());
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
