/**
 * The U-visa clocks, on the deadline engine (`ctx.clocks`):
 *
 * - **Certification**: the city's rule inside the state's — 30 days inside Minnesota's 90, or, expedited,
 *   7 days inside 14 (14 only when the *victim* is in removal proceedings; a family member's proceedings
 *   expedite the city's clock, not the state's). One composite clock: the stricter governs. A good-cause
 *   delay extends only the city rule, so the state maximum still binds.
 * - **Age-out**: an alert before the victim or a family member turns 21 (no longer a "child").
 * - **Signature window**: USCIS must receive the petition within 6 months of the official's signature; the
 *   requester is warned before it closes.
 *
 * Rule names come from the jurisdiction profile; a rule a profile lacks (no state maximum) is left out.
 * Reminders and escalations reach certifying officials and supervisors by e-mail (ids and dates only), and
 * the requester for the signature window, in their language.
 */
import { secretsFor } from '../../core/auth/auth-secrets.ts';
import type { Role } from '../../core/auth/permissions.ts';
import type { ClockHandlerRun, ClockHandlers, ClockNotice } from '../../core/clocks/index.ts';
import type { Tx } from '../../core/db/transaction.ts';
import { isLocale } from '../../core/i18n/locales.ts';
import { type Jurisdiction, localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { ExpediteChoice } from './u-visa.schemas.ts';

/** The owner of the module's clocks (its module id). */
export const CLOCK_OWNER = 'u-visa';

/** What each kind of clock times. All name the request id as their record. */
export const CLOCK_RECORD_TYPES = {
  certification: 'u-visa.request',
  ageOut: 'u-visa.age-out',
  signature: 'u-visa.signature',
} as const;

/** The reason code of a pause while the requester is asked for information (where a rule allows it). */
export const AWAITING_REQUESTER = 'awaiting-requester';

type ClockName = keyof Jurisdiction['clocks'];

function defined(j: Jurisdiction, name: ClockName): boolean {
  return j.clocks[name] !== undefined;
}

/**
 * The rules of a request's certification clock: the city's rule, and the state's maximum where the profile
 * has one. Expedited when the victim or a family member is in removal proceedings (the city's rule); the
 * state's short maximum only when the victim is.
 */
export function certificationRules(j: Jurisdiction, expedite: ExpediteChoice): string[] {
  const city: ClockName = expedite === 'no' ? 'uVisaCertification' : 'uVisaCertificationExpedited';
  let state: ClockName | null = defined(j, 'uVisaCertificationStateMaximum') ? 'uVisaCertificationStateMaximum' : null;
  if (expedite === 'victim' && defined(j, 'uVisaCertificationStateMaximumExpedited')) state = 'uVisaCertificationStateMaximumExpedited';
  return state ? [city, state] : [city];
}

/** True when every rule of the request's clock lets it pause while the requester is asked for information. */
export function pausesForInformation(j: Jurisdiction, rules: readonly string[]): boolean {
  return rules.every((name) => j.clocks[name as ClockName]?.value.pauseReasons?.includes(AWAITING_REQUESTER) === true);
}

/** Good-cause reason codes any rule of the request's clock allows (empty: no delay is possible). */
export function goodCauseReasons(j: Jurisdiction, rules: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of rules) for (const r of j.clocks[name as ClockName]?.value.goodCauseReasons ?? []) out.add(r);
  return [...out];
}

/** The age-out rule, when the profile has one. */
export function ageOutRule(j: Jurisdiction): string | null {
  return defined(j, 'uVisaDerivativeAgeOut') ? 'uVisaDerivativeAgeOut' : null;
}

/** True when someone born on `dateOfBirth` is still under `age` on `today` (both `YYYY-MM-DD`). */
export function isUnder(dateOfBirth: string, today: string, age = 21): boolean {
  const birthday = `${String(Number(dateOfBirth.slice(0, 4)) + age).padStart(4, '0')}${dateOfBirth.slice(4)}`;
  return today < birthday;
}

/** Active staff accounts holding a role, with their decrypted e-mail addresses (for reminders). */
async function staffWithRole(ctx: AppContext, tx: Tx, role: Role): Promise<Array<{ userId: string; email: string }>> {
  const rows = await tx
    .selectFrom('auth_user_roles')
    .innerJoin('auth_users', 'auth_users.id', 'auth_user_roles.user_id')
    .select(['auth_users.id as id', 'auth_users.email_display as email'])
    .where('auth_user_roles.role', '=', role)
    .where('auth_users.status', '=', 'active')
    .orderBy('auth_users.id')
    .execute();
  const secrets = secretsFor(ctx);
  return Promise.all(rows.map(async (r) => ({ userId: r.id, email: await secrets.open(r.id, { table: 'auth_users', column: 'email_display', rowId: r.id }, r.email) })));
}

/** Queues one message to every active holder of each role (staff read e-mail in the city's default language). */
export async function notifyStaff(
  ctx: AppContext,
  tx: Tx,
  options: { roles: readonly Role[]; template: string; requestId: string; values: Record<string, string | number> },
): Promise<number> {
  const locale = ctx.jurisdiction.locale.defaultLanguage.value;
  const seen = new Set<string>();
  let sent = 0;
  for (const role of options.roles) {
    for (const person of await staffWithRole(ctx, tx, role)) {
      if (seen.has(person.userId)) continue;
      seen.add(person.userId);
      await ctx.notifier.enqueue(
        {
          channel: 'email',
          to: person.email,
          template: options.template,
          values: { ...options.values, link: `${ctx.config.baseUrl}/staff/u-visa/requests/${options.requestId}` },
          locale: isLocale(locale) ? locale : 'en',
          subjectRef: person.userId,
          about: { type: 'u-visa.request', id: options.requestId },
        },
        tx,
      );
      sent++;
    }
  }
  return sent;
}

/** Calendar days from `today` to `dueDate` (negative when past). */
export function daysLeft(today: string, dueDate: string): number {
  return Math.round((Date.parse(`${dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/**
 * Handlers the deadline engine calls for the module's clocks (registered through `clockHandlers` in the
 * module definition). They run in the transaction that records the event. `warnRequester` is the service
 * function that queues the signature-window warning (kept in the service, which can open the request).
 */
export function uVisaClockHandlers(warnRequester: (ctx: AppContext, tx: Tx, requestId: string, notice: ClockNotice) => Promise<void>): ClockHandlers {
  const values = (notice: ClockNotice, today: string) => ({
    dueDate: notice.clock.dueDate,
    daysLeft: daysLeft(today, notice.clock.dueDate),
    reference: notice.clock.recordId.slice(-8),
  });
  return {
    async onReminder(notice: ClockNotice, { tx, ctx }: ClockHandlerRun) {
      const today = localDate(ctx.jurisdiction, notice.at);
      const requestId = notice.clock.recordId;
      if (notice.clock.recordType === CLOCK_RECORD_TYPES.signature) return warnRequester(ctx, tx, requestId, notice);
      const template = notice.clock.recordType === CLOCK_RECORD_TYPES.ageOut ? 'u-visa.notify.ageOut' : 'u-visa.notify.reminder';
      await notifyStaff(ctx, tx, { roles: ['certifying-official'], template, requestId, values: values(notice, today) });
    },
    async onOverdue(notice: ClockNotice, { tx, ctx }: ClockHandlerRun) {
      if (notice.clock.recordType !== CLOCK_RECORD_TYPES.certification) return;
      const today = localDate(ctx.jurisdiction, notice.at);
      await notifyStaff(ctx, tx, { roles: ['certifying-official', 'certifying-supervisor'], template: 'u-visa.notify.overdue', requestId: notice.clock.recordId, values: values(notice, today) });
    },
    async onEscalate(notice: ClockNotice, { tx, ctx }: ClockHandlerRun) {
      if (notice.clock.recordType !== CLOCK_RECORD_TYPES.certification) return;
      const today = localDate(ctx.jurisdiction, notice.at);
      await notifyStaff(ctx, tx, { roles: ['certifying-supervisor'], template: 'u-visa.notify.escalated', requestId: notice.clock.recordId, values: values(notice, today) });
    },
  };
}
