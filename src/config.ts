import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of environment variables. Every setting is validated here, once, at start; a bad
 * environment fails with one message that lists every bad variable, so an operator fixes them in one go.
 */

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, 'must start with postgres://, sqlite: or file:')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  KEY_FILE: z.string().min(1).optional(),
  SANCTUARY_KEK: z.string().min(1).optional(),
  SANCTUARY_INDEX_KEY: z.string().min(1).optional(),
  KEY_VAULT_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, 'must start with postgres://, sqlite: or file:')
    .optional(),
  JURISDICTION: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/).default('minneapolis'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO: boolean.optional(),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Sanctuary <no-reply@localhost>'),
  SMS_PROVIDER: z.enum(['log', 'http']).default('log'),
  SMS_HTTP_URL: z.url().optional(),
  SMS_HTTP_TOKEN: z.string().optional(),
  TRUST_PROXY: boolean.default(false),
  RATE_LIMIT: boolean.default(true),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(10_000_000).default(600),
  RATE_LIMIT_STRICT_MAX: z.coerce.number().int().min(1).max(10_000_000).default(20),
  ACCESS_ALERT_WINDOW_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  ACCESS_ALERT_MIN_READS: z.coerce.number().int().min(1).max(1_000_000).default(200),
  ACCESS_ALERT_FACTOR: z.coerce.number().min(1).max(1000).default(5),
  ACCESS_ALERT_BASELINE_DAYS: z.coerce.number().int().min(1).max(365).default(28),
  AUDIT_KEY_FILE: z.string().min(1).optional(),
  ID_ISSUER_KEY_FILE: z.string().min(1).optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(14),
  BACKUP_SCHEDULE: z.string().min(1).default('30 2 * * *'),
  BACKUP_KEY_FILE: z.string().min(1).optional(),
  SANCTUARY_BACKUP_KEY: z.string().min(1).optional(),
  JOB_WORKER: boolean.default(true),
  APPOINTMENT_REMINDERS: z
    .string()
    .refine((v) => {
      const parts = v.split(',');
      return parts.length <= 5 && parts.every((p) => /^\d{1,4}[dhm]$/.test(p));
    }, 'must be a comma-separated list like 2d,2h (days, hours or minutes before)')
    .default('2d,2h'),
});

export type Env = z.infer<typeof envSchema>;

/** Every environment variable the service reads (the README documents each one; a test checks). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  baseUrl: string;
  secure: boolean;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  keyFile: string;
  kekFromEnv: string | undefined;
  /** Blind-index root key list from `SANCTUARY_INDEX_KEY` (required together with `SANCTUARY_KEK`). */
  indexKeyFromEnv: string | undefined;
  /**
   * The key vault: the database holding the wrapped per-subject data keys, kept apart from the data and its
   * backups so that forgetting a subject reaches old backups (`KEY_VAULT_URL`; default a SQLite file in
   * `.sanctuary-vault/` beside `DATA_DIR` — its own directory, because it needs its own, short backup retention).
   */
  keyVault: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  jurisdiction: string;
  logLevel: Env['LOG_LEVEL'];
  demo: boolean;
  chromiumPath: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  sms: { provider: 'log' | 'http'; url: string | undefined; token: string | undefined };
  trustProxy: boolean;
  rateLimit: boolean;
  /**
   * Requests per minute per client address (`RATE_LIMIT_MAX`, default 600) and, on sign-in and public
   * submissions, state-changing requests per minute (`RATE_LIMIT_STRICT_MAX`, default 20). Raised only for a
   * local test instance (the SQL injection scan), never in production.
   */
  rateLimitMax: { all: number; strict: number };
  /**
   * Alerts on abnormal access volumes (R35): a staff account that reads, searches or exports more records in
   * `windowMinutes` than both `minReads` and `factor` × its own usual count per window (over the previous
   * `baselineDays`) raises an alert to administrators (`ACCESS_ALERT_*`).
   */
  accessAlerts: { windowMinutes: number; minReads: number; factor: number; baselineDays: number };
  /** Ed25519 keys that sign audit checkpoints (`AUDIT_KEY_FILE`; default beside the key file, never in DATA_DIR). */
  auditKeyFile: string;
  /** P-256 keys that sign municipal ID credentials (`ID_ISSUER_KEY_FILE`; default beside the key file, never in DATA_DIR). */
  idIssuerKeyFile: string;
  /**
   * Encrypted backups: where `sanctuary backup` and the nightly job write (`BACKUP_DIR`), how many to keep
   * (`BACKUP_KEEP`), and the nightly cron in the jurisdiction's time zone (`BACKUP_SCHEDULE`, `off` disables).
   * The backup key encrypts them: `SANCTUARY_BACKUP_KEY` (`kid:base64url`, from a secret manager) or the key file
   * `BACKUP_KEY_FILE` (default beside the KEK file), never in DATA_DIR or BACKUP_DIR.
   */
  backup: { dir: string; keep: number; schedule: string | null; keyFile: string; keyFromEnv: string | undefined };
  /** Run the job worker and scheduler inside `serve` (`JOB_WORKER`, default true). */
  jobWorker: boolean;
  /** When appointment reminders go out, in minutes before the appointment (`APPOINTMENT_REMINDERS`, default `2d,2h`). */
  appointmentReminderMinutes: number[];
}

/** Thrown when the environment is invalid; `problems` has one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment.
 * @example loadConfig(process.env)
 */
export function loadConfig(source: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SMS_PROVIDER === 'http' && !e.SMS_HTTP_URL) problems.push('SMS_HTTP_URL: required when SMS_PROVIDER=http');
  const dataDir = path.resolve(e.DATA_DIR);
  const keyFile = path.resolve(e.KEY_FILE ?? path.join(path.dirname(dataDir), '.sanctuary-keys', 'kek.json'));
  if (keyFile.startsWith(dataDir + path.sep)) {
    problems.push('KEY_FILE: must be outside DATA_DIR, so that the key never travels with the database or its backups');
  }
  if (e.SANCTUARY_KEK && !e.SANCTUARY_INDEX_KEY) problems.push('SANCTUARY_INDEX_KEY: required with SANCTUARY_KEK (a separate random key)');
  if (e.SANCTUARY_INDEX_KEY && !e.SANCTUARY_KEK) problems.push('SANCTUARY_KEK: required with SANCTUARY_INDEX_KEY');
  let keyVault: Config['keyVault'];
  if (e.KEY_VAULT_URL && /^postgres(ql)?:\/\//.test(e.KEY_VAULT_URL)) {
    keyVault = { kind: 'postgres', url: e.KEY_VAULT_URL };
    if (e.DATABASE_URL && sameDatabase(e.KEY_VAULT_URL, e.DATABASE_URL)) {
      problems.push('KEY_VAULT_URL: must name a different database than DATABASE_URL, so data backups never contain the keys');
    }
  } else {
    const file = e.KEY_VAULT_URL ? path.resolve(e.KEY_VAULT_URL.replace(/^(sqlite|file):(\/\/)?/, '')) : path.join(path.dirname(dataDir), '.sanctuary-vault', 'subject-keys.db');
    keyVault = { kind: 'sqlite', file };
    if (file.startsWith(dataDir + path.sep)) problems.push('KEY_VAULT_URL: must be outside DATA_DIR, so that data backups never contain the keys');
    if (e.NODE_ENV === 'production' && e.DATABASE_URL && /^postgres(ql)?:\/\//.test(e.DATABASE_URL) && !e.KEY_VAULT_URL) {
      problems.push('KEY_VAULT_URL: required in production with PostgreSQL (a separate database shared by every instance, outside data backups)');
    }
  }
  const auditKeyFile = path.resolve(e.AUDIT_KEY_FILE ?? path.join(path.dirname(keyFile), 'audit-signing.json'));
  if (auditKeyFile.startsWith(dataDir + path.sep)) {
    problems.push('AUDIT_KEY_FILE: must be outside DATA_DIR, so that whoever holds the database cannot also sign audit checkpoints');
  }
  const backupDir = path.resolve(e.BACKUP_DIR ?? path.join(path.dirname(dataDir), 'backups'));
  const backupKeyFile = path.resolve(e.BACKUP_KEY_FILE ?? path.join(path.dirname(keyFile), 'backup-key.json'));
  if (backupKeyFile.startsWith(dataDir + path.sep) || backupKeyFile.startsWith(backupDir + path.sep)) {
    problems.push('BACKUP_KEY_FILE: must be outside DATA_DIR and BACKUP_DIR, so that the key never travels with the backups it opens');
  }
  const idIssuerKeyFile = path.resolve(e.ID_ISSUER_KEY_FILE ?? path.join(path.dirname(keyFile), 'id-issuer-keys.json'));
  if (idIssuerKeyFile.startsWith(dataDir + path.sep)) {
    problems.push('ID_ISSUER_KEY_FILE: must be outside DATA_DIR, so that whoever holds the database cannot also sign ID cards');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  let database: Config['database'];
  if (e.DATABASE_URL && /^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    database = { kind: 'postgres', url: e.DATABASE_URL };
  } else if (e.DATABASE_URL) {
    const file = e.DATABASE_URL.replace(/^(sqlite|file):(\/\/)?/, '');
    database = { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  } else {
    database = { kind: 'sqlite', file: path.join(dataDir, 'sanctuary.db') };
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl,
    secure: baseUrl.startsWith('https://'),
    database,
    dataDir,
    keyFile,
    kekFromEnv: e.SANCTUARY_KEK,
    indexKeyFromEnv: e.SANCTUARY_INDEX_KEY,
    keyVault,
    jurisdiction: e.JURISDICTION,
    logLevel: e.LOG_LEVEL,
    demo: e.DEMO ?? e.NODE_ENV !== 'production',
    chromiumPath: e.CHROMIUM_PATH,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    sms: { provider: e.SMS_PROVIDER, url: e.SMS_HTTP_URL, token: e.SMS_HTTP_TOKEN },
    trustProxy: e.TRUST_PROXY,
    rateLimit: e.RATE_LIMIT,
    rateLimitMax: { all: e.RATE_LIMIT_MAX, strict: e.RATE_LIMIT_STRICT_MAX },
    accessAlerts: {
      windowMinutes: e.ACCESS_ALERT_WINDOW_MINUTES,
      minReads: e.ACCESS_ALERT_MIN_READS,
      factor: e.ACCESS_ALERT_FACTOR,
      baselineDays: e.ACCESS_ALERT_BASELINE_DAYS,
    },
    auditKeyFile,
    idIssuerKeyFile,
    backup: {
      dir: backupDir,
      keep: e.BACKUP_KEEP,
      schedule: e.BACKUP_SCHEDULE === 'off' ? null : e.BACKUP_SCHEDULE,
      keyFile: backupKeyFile,
      keyFromEnv: e.SANCTUARY_BACKUP_KEY,
    },
    jobWorker: e.JOB_WORKER,
    appointmentReminderMinutes: e.APPOINTMENT_REMINDERS.split(',').map((part) => Number(part.slice(0, -1)) * ({ d: 1440, h: 60, m: 1 } as const)[part.slice(-1) as 'd' | 'h' | 'm']),
    ...overrides,
  };
}

/** True when two PostgreSQL URLs name the same database on the same server. */
function sameDatabase(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.hostname === y.hostname && (x.port || '5432') === (y.port || '5432') && x.pathname === y.pathname;
  } catch {
    return a === b;
  }
}
