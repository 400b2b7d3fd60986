import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { AuditService } from '../../core/audit/audit.service.ts';
import { AuditKeyStore } from '../../core/audit/signing-key.ts';
import { generateKeyString } from '../../core/crypto/key-provider.ts';
import { isRandomId } from '../../core/crypto/random.ts';
import { canManageKeks, destroyOldKek, kekStatus, pendingRewraps, rotateKek } from '../../core/crypto/vault-rotation.ts';
import { type Vault, openVault } from '../../core/crypto/vault.ts';
import { type Db, openDatabase } from '../../core/db/database.ts';
import { type CliIo, type Command, UsageError, progress } from '../command.ts';

const HELP = `Subcommands:
  status        The KEKs (current one marked) with how many data keys each wraps, the blind-index
                root keys, the key vault's location and its live / forgotten subjects.
  rotate        Create a new KEK, make it current and re-wrap every data key under it, in batches
                with a progress bar. Safe to interrupt: running it again continues where it stopped
                (it does not create another KEK while older data keys remain).
                  --batch-size <n>   data keys per transaction (default 500)
  destroy-old   Destroy an old KEK once no data key uses it. Do it when the key vault's backup
                window (7 days by default) has passed since the rotation: vault backups taken before
                the rotation can then never be opened again — which is what finishes crypto-shredding
                for subjects forgotten before it.
                  --kid <id>         the KEK to destroy (see "status")
  generate      Print a new random key line "kid:base64url" for SANCTUARY_KEK / SANCTUARY_INDEX_KEY.
  reconcile     After restoring an old data backup: delete the rows of every subject whose key was
                destroyed after that backup was taken (they cannot be decrypted anyway).
                  --destroy-orphans  also destroy vault keys older than 24 h that no subject uses
                                     (left by rolled-back transactions; not right after a restore
                                     if a newer copy of the data may still be recovered)

These are operator commands: whoever runs them holds the key file or the key variables. The web
interface has no key operations; if one is added, it must require a passkey step-up (R10).`;

function auditFor(config: Config, db: Db): AuditService {
  return new AuditService({ db, now: () => new Date(), signingKeys: () => AuditKeyStore.open(config.auditKeyFile, { create: false }) });
}

async function withVault<T>(config: Config, fn: (vault: Vault, db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(config.database);
  let vault: Vault | undefined;
  try {
    vault = await openVault(config, { db });
    return await fn(vault, db);
  } finally {
    await vault?.close();
    await db.close();
  }
}

async function status(config: Config, io: CliIo): Promise<number> {
  return withVault(config, async (vault) => {
    const { provider, store } = vault;
    const counts = await store.counts();
    io.out(`Key provider:  ${canManageKeks(provider) ? `key file ${provider.path}` : 'SANCTUARY_KEK (read-only)'}`);
    io.out(`Key vault:     ${store.location} (${store.dialect})`);
    io.out(`Subjects:      ${counts.live} live, ${counts.destroyed} forgotten`);
    const keks = await kekStatus(provider, store);
    io.out('KEKs:');
    for (const k of keks ?? []) {
      io.out(`  ${k.current ? '*' : ' '} ${k.id}  ${String(k.liveKeys).padStart(8)} data keys${k.createdAt ? `  created ${k.createdAt}` : ''}`);
    }
    const unknown = Object.entries(counts.byKek).filter(([kid]) => !(keks ?? []).some((k) => k.id === kid));
    for (const [kid, n] of unknown) io.out(`  ! ${kid}  ${String(n).padStart(8)} data keys wrapped by a KEK this provider does not have`);
    const pending = await pendingRewraps(provider, store);
    io.out(pending === 0 ? 'Rotation:      none in progress' : `Rotation:      ${pending} data key(s) still to re-wrap — run "sanctuary keys rotate"`);
    const p = provider as { listIndexRootKeys?: () => Promise<Array<{ id: string; current: boolean }>> };
    if (typeof p.listIndexRootKeys === 'function') {
      io.out('Blind-index root keys:');
      for (const k of await p.listIndexRootKeys()) io.out(`  ${k.current ? '*' : ' '} ${k.id}`);
    }
    return unknown.length > 0 ? 1 : 0;
  });
}

async function rotate(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { 'batch-size': { type: 'string', default: '500' } }, strict: true });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new UsageError('--batch-size must be an integer from 1 to 100000');
  return withVault(config, async (vault, db) => {
    const { provider, store } = vault;
    const before = await provider.currentKid();
    const pending = await pendingRewraps(provider, store);
    if (pending > 0) io.err(`Resuming: ${pending} data key(s) are not yet wrapped by the current KEK ${before}.`);
    let bar: ReturnType<typeof progress> | undefined;
    let shown = 0;
    const result = await rotateKek({
      provider,
      store,
      batchSize,
      onBatch: (done, total) => {
        bar ??= progress(io, 'Re-wrapping data keys', total);
        bar.tick(done - shown);
        shown = done;
      },
    });
    bar?.done();
    io.out(`${result.created ? 'New KEK' : 'KEK'} ${result.kid} is current; ${result.rewrapped} data key(s) re-wrapped.`);
    if (result.created && before !== result.kid) {
      io.out(`The old KEK ${before} still exists: destroy it with "sanctuary keys destroy-old --kid ${before}" once the key vault's backup window has passed.`);
    }
    await auditFor(config, db).recordNow({
      actor: { id: null, role: 'operator' },
      action: 'keys.rotate',
      purpose: 'administration',
      ...(isRandomId(result.kid) ? { record: { type: 'core.kek', id: result.kid } } : {}),
    });
    return 0;
  });
}

async function destroyOld(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { kid: { type: 'string' } }, strict: true });
  if (!values.kid) throw new UsageError('--kid is required');
  const kid = values.kid;
  return withVault(config, async (vault, db) => {
    const result = await destroyOldKek({ provider: vault.provider, store: vault.store, kid });
    io.out(result.message);
    if (result.destroyed) {
      await auditFor(config, db).recordNow({
        actor: { id: null, role: 'operator' },
        action: 'keys.destroy',
        purpose: 'administration',
        ...(isRandomId(kid) ? { record: { type: 'core.kek', id: kid } } : {}),
      });
    }
    return 0;
  });
}

async function reconcile(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { 'destroy-orphans': { type: 'boolean', default: false } }, strict: true });
  return withVault(config, async (vault, db) => {
    const r = await vault.reconcile({ destroyOrphans: values['destroy-orphans'] });
    io.out(`${r.forgotten} forgotten subject(s) removed from the database; ${r.orphans} orphan key(s)${values['destroy-orphans'] ? `, ${r.orphansDestroyed} destroyed` : ' (kept)'}.`);
    await auditFor(config, db).recordNow({ actor: { id: null, role: 'operator' }, action: 'keys.reconcile', purpose: 'retention' });
    return 0;
  });
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Key management: status, rotate the KEK, destroy an old KEK, reconcile after a restore',
  usage: 'sanctuary keys <status|rotate|destroy-old|generate|reconcile> [options]',
  help: HELP,
  async run(args, { config, io }) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'status':
        if (rest.length > 0) throw new UsageError('status takes no options');
        return status(config(), io);
      case 'rotate':
        return rotate(rest, config(), io);
      case 'destroy-old':
        return destroyOld(rest, config(), io);
      case 'generate':
        if (rest.length > 0) throw new UsageError('generate takes no options');
        io.out(generateKeyString());
        return 0;
      case 'reconcile':
        return reconcile(rest, config(), io);
      default:
        throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
    }
  },
};
