import type { Executor } from '../db/transaction.ts';
import type { Locale } from '../i18n/locales.ts';
import type { AppContext } from '../modules/context.ts';

/** A value in a disclosure package. */
export type DisclosureValue = string | number | boolean | null;

/** How to reach the person a record is about, for the notice the gate owes them. */
export interface DisclosureContact {
  channel: 'email' | 'sms';
  /** Email address or E.164 number, decrypted. */
  to: string;
  locale: Locale;
  /** The vault subject the record belongs to (the notice is sealed under it). */
  subjectId: string;
}

/**
 * How a program lets the demand gate reach one kind of its records. Core never imports modules: a module
 * lists its sources in `SanctuaryModule.disclosureSources`, and the gate is the only caller.
 *
 * - `exists` is a repository lookup (no decryption): the register form checks that a named record is real.
 * - `load` decrypts one record through `ctx.vault` **only** for an approved disclosure; the gate writes the
 *   audit entry (purpose `legal-process`, the demand id as legal basis) in the same transaction.
 * - `contact` (optional) decrypts the person's contact details for the notice; the gate audits it too.
 *
 * Return exactly the fields a court could ask for; never keys, blind indexes or other people's data.
 */
export interface DisclosureSource {
  /** Module id, e.g. `clinics`. */
  program: string;
  /** Kind of record inside the program, e.g. `appointment` (audit record type `<program>.<recordType>`). */
  recordType: string;
  /** Message key naming the kind of record for staff. */
  labelKey: string;
  exists(db: Executor, recordId: string): Promise<boolean>;
  load(ctx: AppContext, db: Executor, recordId: string): Promise<Record<string, DisclosureValue> | null>;
  contact?(ctx: AppContext, db: Executor, recordId: string): Promise<DisclosureContact | null>;
}

const CODE = /^[a-z][a-z0-9-]{0,40}$/;

/** Every disclosure source of the running app, by program and record type. */
export class DisclosureSourceRegistry {
  readonly #sources = new Map<string, DisclosureSource>();

  constructor(sources: readonly DisclosureSource[] = []) {
    for (const s of sources) this.register(s);
  }

  register(source: DisclosureSource): void {
    if (!CODE.test(source.program) || !CODE.test(source.recordType)) {
      throw new Error(`disclosure source "${source.program}.${source.recordType}": program and record type must be lower-case codes`);
    }
    const key = `${source.program}.${source.recordType}`;
    if (this.#sources.has(key)) throw new Error(`disclosure source "${key}" is registered twice`);
    this.#sources.set(key, source);
  }

  get(program: string, recordType: string): DisclosureSource | undefined {
    return this.#sources.get(`${program}.${recordType}`);
  }

  list(): DisclosureSource[] {
    return [...this.#sources.values()];
  }
}
