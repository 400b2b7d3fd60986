import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { AuditService } from '../../core/audit/audit.service.ts';
import { AuditKeyStore } from '../../core/audit/signing-key.ts';
import { type Db, openDatabase } from '../../core/db/database.ts';
import { loadJurisdiction } from '../../core/jurisdiction/index.ts';
import { decodeQrImage, qrImageProblem } from '../../modules/municipal-id/credential/credential.qr.ts';
import { type VerificationResult, invalid, reasonMessageKey, statusMessageKey } from '../../modules/municipal-id/credential/credential.reasons.ts';
import {
  type CredentialContext,
  issuerKeyStatus,
  issuerUrl,
  publishedCrl,
  publishedJwks,
  retireIssuerKeys,
  rotateIssuerKey,
} from '../../modules/municipal-id/credential/credential.service.ts';
import { type CrlDocument, TrustedIssuers, parseCrl, parseJwks } from '../../modules/municipal-id/credential/credential.trust.ts';
import { type VerificationProfile, verifyCredential } from '../../modules/municipal-id/credential/credential.verify.ts';
import en from '../../modules/municipal-id/locales/credential/en.json' with { type: 'json' };
import es from '../../modules/municipal-id/locales/credential/es.json' with { type: 'json' };
import hmn from '../../modules/municipal-id/locales/credential/hmn.json' with { type: 'json' };
import so from '../../modules/municipal-id/locales/credential/so.json' with { type: 'json' };
import { IMPORT_ADDRESSES_HELP, importAddressesCommand } from '../../modules/municipal-id/residency/import-addresses.command.ts';
import { type CliIo, type Command, UsageError } from '../command.ts';

const HELP = `Subcommands:
  verify <text|file>   Check a municipal ID card offline. <text> is the QR code's text (shc:/…) or a JWS;
                       <file> is a text file holding one, a .smart-health-card file, or a PNG/JPEG photo
                       of the QR code. Exit code 0: valid; 1: expired, revoked or not valid; 2: usage.
                         --keys <jwks.json>  trust this key set (with --crl and --iss)
                         --crl <dir>         revocation lists <kid>.json for --keys
                         --iss <url>         the issuer the keys belong to (default: BASE_URL)
                         --cache <dir>       the cache made by "id cache" (default: id-verifier-cache/
                                             beside DATA_DIR); used when --keys is not given
                         --local             use this installation's own keys from its database
                                             (the default when there is no cache)
                         --profile <p>       municipal-id (default) or framing-only (any SMART Health Card)
                         --now <iso-time>    check as of this time (default: now)
                         --lang <en|es|so|hmn>  language of the explanation (default en)
  cache --from <url|dir>  Store the issuer's key set and revocation lists for offline checks: from the
                       issuer's web address (<url>/.well-known/jwks.json and /.well-known/crl/<kid>.json)
                       or from a folder laid out the same way. Each document is checked before it is kept.
                         --dir <dir>         where to keep them (default: id-verifier-cache/ beside DATA_DIR)
                         --iss <url>         the issuer URL, when --from is a folder (default: BASE_URL)
  keys status          The issuer keys: current, published, revocation-list version, last card expiry.
  keys rotate          Make a new issuer key that signs new cards from now on. Older keys stay published
                       until the last card they signed expires (then "keys retire" removes them).
  keys retire          Retire keys whose cards have all expired: unpublish them and destroy their
                       private halves in the key file (ID_ISSUER_KEY_FILE).

${IMPORT_ADDRESSES_HELP}

Verifying never sends the card anywhere and never records it.`;

type Locale = 'en' | 'es' | 'so' | 'hmn';
const CATALOGS: Record<Locale, Record<string, string>> = { en, es, so, hmn };

function defaultCacheDir(config: Config): string {
  return path.join(path.dirname(config.dataDir), 'id-verifier-cache');
}

function credentialContext(config: Config, db: Db): CredentialContext {
  return { config, db, jurisdiction: loadJurisdiction(config.jurisdiction), now: () => new Date() };
}

async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(config.database);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

/** What the argument is: literal text, or a file (text, card file or image). */
function readInput(arg: string): { text: string } | { image: Buffer } {
  if (/^(shc:|ey)/i.test(arg)) return { text: arg };
  if (!fs.existsSync(arg) || !fs.statSync(arg).isFile()) throw new UsageError(`"${arg.slice(0, 40)}" is neither QR text (shc:/…), a JWS, nor a readable file`);
  if (fs.statSync(arg).size > 4 * 1024 * 1024) throw new UsageError(`${arg} is larger than 4 MB`);
  const buf = fs.readFileSync(arg);
  const png = buf.length > 8 && buf.readUInt32BE(0) === 0x89504e47;
  const jpeg = buf.length > 2 && buf[0] === 0xff && buf[1] === 0xd8;
  if (png || jpeg) return { image: buf };
  // A text file ends with one line break; anything else around the text is the card's problem, not the file's.
  return { text: buf.toString('utf8').replace(/\r?\n$/, '') };
}

interface TrustSource {
  trust: TrustedIssuers;
  crl(kid: string): CrlDocument | null;
  label: string;
}

function crlFromDir(dir: string | undefined, kid: string): CrlDocument | null {
  if (!dir) return null;
  const file = path.join(dir, `${kid}.json`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(kid) || !fs.existsSync(file)) return null;
  try {
    return readJson(file) as CrlDocument;
  } catch {
    return null;
  }
}

async function trustFrom(values: Record<string, string | boolean | undefined>, config: Config): Promise<TrustSource> {
  const iss = typeof values.iss === 'string' ? values.iss.replace(/\/+$/, '') : issuerUrl(config);
  if (typeof values.keys === 'string') {
    let jwks: unknown;
    try {
      jwks = readJson(values.keys);
    } catch {
      throw new UsageError(`${values.keys} is not a JSON key set`);
    }
    if (!parseJwks(jwks)) throw new UsageError(`${values.keys} is not a JWK set ({ "keys": [ … ] })`);
    const crlDir = typeof values.crl === 'string' ? values.crl : undefined;
    return { trust: new TrustedIssuers([{ iss, jwks }]), crl: (kid) => crlFromDir(crlDir, kid), label: `key set ${values.keys}` };
  }
  const cacheDir = typeof values.cache === 'string' ? values.cache : defaultCacheDir(config);
  if (values.local !== true && fs.existsSync(path.join(cacheDir, 'jwks.json'))) {
    const meta = readJson(path.join(cacheDir, 'issuer.json')) as { iss?: unknown; fetchedAt?: unknown };
    if (typeof meta.iss !== 'string') throw new UsageError(`${cacheDir}/issuer.json does not name the issuer; run "sanctuary id cache" again`);
    return {
      trust: new TrustedIssuers([{ iss: meta.iss, jwks: readJson(path.join(cacheDir, 'jwks.json')) }]),
      crl: (kid) => crlFromDir(path.join(cacheDir, 'crl'), kid),
      label: `cache ${cacheDir} (${typeof meta.fetchedAt === 'string' ? meta.fetchedAt : 'unknown date'})`,
    };
  }
  // This installation's own keys, from its database.
  return withDb(config, async (db) => {
    const ctx = credentialContext(config, db);
    let jwks;
    try {
      jwks = await publishedJwks(ctx);
    } catch {
      throw new UsageError('no cached keys (run "sanctuary id cache --from <url>") and no local issuer database; or pass --keys');
    }
    const crls = new Map<string, CrlDocument>();
    for (const k of jwks.keys) {
      const crl = await publishedCrl(ctx, k.kid);
      if (crl) crls.set(k.kid, crl);
    }
    return { trust: new TrustedIssuers([{ iss: issuerUrl(config), jwks }]), crl: (kid) => crls.get(kid) ?? null, label: 'this installation’s database' };
  });
}

function print(io: CliIo, result: VerificationResult, locale: Locale): void {
  const t = (key: string) => CATALOGS[locale][key] ?? CATALOGS.en[key] ?? key;
  io.out(`${t(statusMessageKey(result.status)).toUpperCase()} (${result.status})`);
  io.out(`${result.reason}: ${t(reasonMessageKey(result.reason))}`);
  if (result.card) {
    io.out(`${t('municipalId.verify.result.name')}: ${result.card.name}`);
    io.out(`${t('municipalId.verify.result.dateOfBirth')}: ${result.card.dateOfBirth}`);
    io.out(`${t('municipalId.verify.result.expiresOn')}: ${result.card.expiresOn}`);
    io.out(`${t('municipalId.verify.result.cardNumber')}: ${result.card.number}`);
  }
  if (result.issuer) io.out(`Issuer: ${result.issuer} (key ${result.kid ?? '?'})`);
}

async function verifyCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      keys: { type: 'string' },
      crl: { type: 'string' },
      iss: { type: 'string' },
      cache: { type: 'string' },
      local: { type: 'boolean' },
      profile: { type: 'string', default: 'municipal-id' },
      now: { type: 'string' },
      lang: { type: 'string', default: 'en' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one <text|file>');
  const profile = values.profile as VerificationProfile;
  if (profile !== 'municipal-id' && profile !== 'framing-only') throw new UsageError('--profile is municipal-id or framing-only');
  const locale = values.lang as Locale;
  if (!(locale in CATALOGS)) throw new UsageError('--lang is en, es, so or hmn');
  if (values.crl && !values.keys) throw new UsageError('--crl goes with --keys');
  let now = new Date();
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime())) throw new UsageError('--now must be an ISO 8601 time');
  }
  const input = readInput(positionals[0] ?? '');
  const source = await trustFrom(values, config);
  let result: VerificationResult;
  if ('image' in input) {
    const decoded = decodeQrImage(input.image);
    const problem = decoded.ok ? qrImageProblem(decoded.qr) : decoded.reason;
    result = problem || !decoded.ok ? invalid(problem ?? 'image_no_qr') : await verifyCredential(decoded.qr.text, { trustedIssuers: source.trust, now, profile, crlFetcher: (_i, kid) => source.crl(kid) });
  } else {
    result = await verifyCredential(input.text, { trustedIssuers: source.trust, now, profile, crlFetcher: (_i, kid) => source.crl(kid) });
  }
  print(io, result, locale);
  io.err(`Checked against ${source.label}.`);
  return result.status === 'valid' ? 0 : 1;
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: 'error' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > 4 * 1024 * 1024) throw new Error(`${url}: larger than 4 MB`);
  return JSON.parse(text) as unknown;
}

async function cacheCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { from: { type: 'string' }, dir: { type: 'string' }, iss: { type: 'string' } } });
  if (!values.from) throw new UsageError('--from <url|dir> is required');
  const from = values.from;
  const isUrl = /^https?:\/\//.test(from);
  if (!isUrl && !fs.existsSync(path.join(from, '.well-known', 'jwks.json'))) throw new UsageError(`${from} is neither an http(s) URL nor a folder with .well-known/jwks.json`);
  const iss = isUrl ? from.replace(/\/+$/, '') : (values.iss ?? issuerUrl(config)).replace(/\/+$/, '');
  const get = (rel: string): Promise<unknown> => (isUrl ? fetchJson(`${iss}/${rel}`) : Promise.resolve(readJson(path.join(from, rel))));
  const jwks = await get('.well-known/jwks.json');
  const parsed = parseJwks(jwks);
  if (!parsed) {
    io.err(`${from}: the key set is not a JWK set`);
    return 1;
  }
  for (const [kid, problem] of parsed.refused) io.err(`key ${kid} refused: ${problem}`);
  const crls = new Map<string, unknown>();
  for (const key of parsed.keys.values()) {
    if (key.crlVersion === undefined) continue;
    const crl = await get(`.well-known/crl/${key.kid}.json`);
    const checked = parseCrl(crl);
    if (!checked || checked.kid !== key.kid) {
      io.err(`revocation list of ${key.kid} is invalid`);
      return 1;
    }
    if (checked.ctr !== key.crlVersion) {
      io.err(`revocation list of ${key.kid} is version ${checked.ctr}, the key set says ${key.crlVersion}: fetch again`);
      return 1;
    }
    crls.set(key.kid, crl);
  }
  const dir = values.dir ?? defaultCacheDir(config);
  // Written to a fresh folder, then swapped in: a verifier never sees half a cache.
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.join(tmp, 'crl'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'issuer.json'), `${JSON.stringify({ iss, fetchedAt: new Date().toISOString(), from }, null, 2)}\n`);
  fs.writeFileSync(path.join(tmp, 'jwks.json'), `${JSON.stringify(jwks, null, 2)}\n`);
  for (const [kid, crl] of crls) fs.writeFileSync(path.join(tmp, 'crl', `${kid}.json`), `${JSON.stringify(crl, null, 2)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  io.out(`Cached ${parsed.keys.size} key(s) and ${crls.size} revocation list(s) of ${iss} in ${dir}.`);
  return 0;
}

async function keysCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`keys ${sub ?? ''} takes no options`);
  return withDb(config, async (db) => {
    const ctx = credentialContext(config, db);
    const audit = new AuditService({ db, now: () => new Date(), signingKeys: () => AuditKeyStore.open(config.auditKeyFile) });
    switch (sub) {
      case 'status': {
        const keys = await issuerKeyStatus(ctx);
        if (keys.length === 0) io.out('No issuer key yet: one is made when the first card is issued (or by "id keys rotate").');
        for (const k of keys) {
          const state = k.retiredAt ? `retired ${k.retiredAt}` : k.published ? 'published' : 'unpublished (retire it)';
          io.out(`${k.current ? '*' : ' '} ${k.kid}  ${state}  crlVersion ${k.crlVersion}  last card expires ${k.lastExpiresAt ?? '—'}`);
        }
        return 0;
      }
      case 'rotate': {
        const { kid, previous } = await rotateIssuerKey(ctx);
        io.out(`New issuer key ${kid} signs new cards. ${previous} stays published until the last card it signed expires.`);
        await audit.recordNow({ actor: { id: null, role: 'operator' }, action: 'municipal-id.keys-rotate', purpose: 'administration' });
        return 0;
      }
      case 'retire': {
        const retired = await retireIssuerKeys(ctx);
        io.out(retired.length === 0 ? 'No key to retire.' : `Retired: ${retired.join(', ')}`);
        if (retired.length > 0) await audit.recordNow({ actor: { id: null, role: 'operator' }, action: 'municipal-id.keys-retire', purpose: 'administration' });
        return 0;
      }
      default:
        throw new UsageError(sub ? `unknown keys subcommand "${sub}"` : 'keys needs status, rotate or retire');
    }
  });
}

export const idCommand: Command = {
  name: 'id',
  summary: 'Municipal ID cards: verify a card offline, cache the issuer keys, manage the issuer keys, import address points',
  usage: 'sanctuary id <verify|cache|keys|import-addresses> …',
  help: HELP,
  async run(args, { config, io }) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'verify':
        return verifyCommand(rest, config(), io);
      case 'cache':
        return cacheCommand(rest, config(), io);
      case 'keys':
        return keysCommand(rest, config(), io);
      case 'import-addresses':
        return importAddressesCommand(rest, config(), io);
      default:
        throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
    }
  },
};
