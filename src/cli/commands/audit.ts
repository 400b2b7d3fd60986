import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { AuditService } from '../../core/audit/audit.service.ts';
import { CHECKPOINT_FORMAT, type SignedCheckpoint, parseCheckpoints } from '../../core/audit/checkpoint.ts';
import { checkProof, parseProof } from '../../core/audit/proofs.ts';
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
  prove <seq>  An RFC 6962 inclusion proof that entry <seq> is in the log a signed checkpoint covers
               (JSON: the entry's ids and codes, the audit path and the checkpoint).
                 --size <n>            the checkpoint of tree size n (default: the latest one)
                 --out <file>          write the proof to a file
  prove-consistency <from> [<to>]
               An RFC 6962 consistency proof that the log of the signed checkpoint of size <to>
               (default: the latest) extends the one of size <from> without changing it.
                 --out <file>          write the proof to a file
  verify-proof <file>
               Check a proof offline (no database needed): the checkpoints' signatures against the
               published key and the proof against their Merkle roots. Exit code 0 when it holds.
                 --public-key <file>   the key set (JSON of GET /.well-known/audit-key.json); required
                 --checkpoints <file>  checkpoints a witness copied earlier: the proof's checkpoints
                                       must be among them, unchanged
                 --json                print the result as JSON

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

async function writeOrPrint(io: CliIo, out: string | undefined, doc: unknown, what: string): Promise<void> {
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (out) {
    await fs.writeFile(out, text, { mode: 0o644 });
    io.err(`${what} written to ${out}`);
  } else {
    io.out(text.trimEnd());
  }
}

function positiveInt(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,15}$/.test(value)) throw new UsageError(`${what} must be a whole number`);
  return Number(value);
}

async function prove(args: string[], config: Config, db: Db, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { size: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('prove needs one entry sequence number');
  const seq = positiveInt(positionals[0], 'the sequence number');
  const treeSize = values.size === undefined ? undefined : positiveInt(values.size, '--size');
  try {
    const proof = await service(config, db, false).inclusionProof(seq, { treeSize });
    await writeOrPrint(io, values.out, proof, `inclusion proof of entry ${seq} in the log of ${proof.treeSize} entries`);
    return 0;
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}

async function proveConsistency(args: string[], config: Config, db: Db, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('prove-consistency needs the earlier tree size, and optionally the later one');
  const from = positiveInt(positionals[0], 'the earlier size');
  const to = positionals[1] === undefined ? undefined : positiveInt(positionals[1], 'the later size');
  try {
    const proof = await service(config, db, false).consistencyProof(from, to);
    await writeOrPrint(io, values.out, proof, `consistency proof from ${proof.from.seq} to ${proof.to.seq} entries`);
    return 0;
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}

async function verifyProof(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'public-key': { type: 'string' }, checkpoints: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError('verify-proof needs one proof file');
  if (!values['public-key']) throw new UsageError('verify-proof needs --public-key <file> (the published /.well-known/audit-key.json)');
  const file = positionals[0];
  const load = async <T>(path: string, parse: (doc: unknown) => T): Promise<T> => {
    try {
      return parse(await readJson(path));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const proof = await load(file, parseProof);
  const keys = await load(values['public-key'], verifyKeysFromJwks);
  const pinned = values.checkpoints ? await load(values.checkpoints, parseCheckpoints) : undefined;
  const result = checkProof(proof, keys, pinned);
  if (values.json) io.out(JSON.stringify(result, null, 2));
  else if (result.ok) io.out(`OK: ${result.summary}${pinned ? ' (matches the witness copy)' : ''}`);
  else {
    io.out(`FAILED: ${result.summary} does not hold`);
    for (const p of result.problems) io.out(`  ${p}`);
  }
  return result.ok ? 0 : 1;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the tamper-evident audit log, sign checkpoints, export them for witnesses',
  usage:
    'sanctuary audit verify [--checkpoints file] [--public-key file] [--json] | checkpoint | checkpoints [--out file] | rotate-key | prove <seq> [--size n] [--out file] | prove-consistency <from> [<to>] [--out file] | verify-proof <file> --public-key file [--checkpoints file] [--json]',
  help: HELP,
  async run(args, { config, io }) {
    const [sub, ...rest] = args;
    if (!sub || !['verify', 'checkpoint', 'checkpoints', 'rotate-key', 'prove', 'prove-consistency', 'verify-proof'].includes(sub)) {
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
    }
    // Offline: no configuration, no database.
    if (sub === 'verify-proof') return verifyProof(rest, io);
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
      if (sub === 'prove') return await prove(rest, cfg, db, io);
      if (sub === 'prove-consistency') return await proveConsistency(rest, cfg, db, io);
      if (sub === 'checkpoint') {
        if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
        const cp = await service(cfg, db, true).checkpoint();
        io.out(JSON.stringify(cp));
        return 0;
      }
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } }, strict: true });
      const checkpoints = await service(cfg, db, false).checkpoints();
      const text = `${JSON.stringify({ format: CHECKPOINT_FORMAT, checkpoints }, null, 2)}\n`;
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
