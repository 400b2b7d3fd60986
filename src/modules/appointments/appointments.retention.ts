import type { RetentionPolicy } from '../../core/privacy/retention.ts';

/** Days a booking is kept after its appointment ends (enough to answer "did I come?" and for the weekly figures). */
export const BOOKING_RETENTION_DAYS = 30;
/** Days walk-in tickets are kept (for the weekly waiting-time figures; they hold nothing about the person). */
export const WALKIN_RETENTION_DAYS = 90;
/** Days a slot's seat counter is kept after the slot (nothing depends on it once the slot is past). */
export const COUNTER_RETENTION_DAYS = 7;

/**
 * How long appointment records are kept; the daily retention purge enforces it (`core/privacy/retention.ts`).
 * A booking that created its own vault subject is crypto-shredded with it (`owned_subject_id`); a booking made
 * for another program's subject is deleted, leaving that program's subject alone. A waiting-list entry is
 * forgotten the day after the last day it asked for.
 */
export const appointmentsRetention: readonly RetentionPolicy[] = [
  {
    recordType: 'appointments.booking',
    table: 'appointment_bookings',
    basis: 'ends_at',
    days: BOOKING_RETENTION_DAYS,
    descriptionKey: 'appointments.retention.booking',
    shredSubjects: { column: 'owned_subject_id' },
  },
  {
    recordType: 'appointments.waitlist',
    table: 'appointment_waitlist',
    basis: 'expires_at',
    days: 0,
    descriptionKey: 'appointments.retention.waitlist',
    shredSubjects: { column: 'id' },
  },
  {
    recordType: 'appointments.walk-in',
    table: 'appointment_walkins',
    basis: 'created_at',
    days: WALKIN_RETENTION_DAYS,
    descriptionKey: 'appointments.retention.walkIn',
  },
  {
    recordType: 'appointments.slot-counter',
    table: 'appointment_slot_counters',
    // Counters have a composite key; the slot start orders them and ranges of it delete whole slots.
    idColumn: 'starts_at',
    basis: 'starts_at',
    days: COUNTER_RETENTION_DAYS,
    descriptionKey: 'appointments.retention.counter',
  },
];
