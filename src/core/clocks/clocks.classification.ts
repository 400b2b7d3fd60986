import { defineClassification } from '../privacy/classification.ts';

const RETENTION = 'Kept while the record it times exists; the owner module deletes its clocks with the record (ClockService.forgetRecords)';

/**
 * Classification of the deadline engine. A clock names the record it times by owner, record type and id
 * only: no name, no case facts, no blind index. Its times are data about a person's case (when a request was
 * received, when it was certified), hence `private`. A clock that counts from a personal date (an age-out
 * alert counts from a date of birth) is sealed under the record's vault subject: its exact start, due and
 * next-action times are in `sealed`, and its plain time columns hold only the week (`due_date` an ISO week
 * such as `2027-W15`). Forgetting that subject deletes such clocks and destroys the key of what was sealed.
 */
export const clocksClassification = defineClassification([
  {
    table: 'clocks',
    class: 'private',
    purpose: 'Statutory and service-level deadlines of program records: when each is due, and where it stands',
    retention: RETENTION,
    subjectColumn: 'subject_id',
    columns: {
      id: 'Random clock id',
      owner: 'Module that owns the record the clock times',
      record_type: 'Kind of record timed (a code)',
      record_id: 'Id of the record timed (never a name)',
      rules: 'Names of the jurisdiction profile rules that apply (the earliest due governs)',
      started_at: 'When the clock started (the event the rule counts from); for a sealed clock, when it was created',
      start_date: 'The local date it started from, when it counts from a non-personal date (a signature date); always empty for a sealed clock',
      status: 'Running, paused, overdue, met or stopped',
      due_at: 'When the clock becomes overdue; for a sealed clock only the week (Monday 00:00 UTC)',
      due_date: 'Last local day to act; for a sealed clock only the ISO week',
      governing_rule: 'The rule that sets the due date (the stricter governs)',
      paused_since: 'When the current pause began',
      pause_reason: 'Reason code of the current pause',
      pauses: 'Earlier pauses (start and end times), to recompute the due date',
      paused_ms: 'Total time paused',
      extensions: 'Good-cause extensions (reason code and days)',
      met_at: 'When what the clock timed was done',
      stopped_at: 'When the clock was stopped',
      stop_reason: 'Reason code for stopping',
      cycle: 'Schedule generation (restarts reminders after a resume or an extension)',
      reminders_sent: 'Reminders sent in this generation',
      escalation_level: 'Escalation steps taken in this generation',
      next_action_at: 'When the reminder job must next look at the clock; for a sealed clock only the week',
      rules_digest: 'Digest of the profile rules and holidays the due date was computed with',
      revision: 'Counter that detects concurrent changes',
      created_at: 'When created',
      updated_at: 'When last changed; for a sealed clock only the week',
      subject_id: 'Vault subject of the record, for a clock that counts from a personal date (a date of birth); empty otherwise',
      sealed: {
        purpose: 'Exact start (the date of birth), due and next-action times of a clock that counts from a personal date, sealed under the subject key',
        protection: 'encrypted',
      },
    },
  },
  {
    table: 'clock_events',
    class: 'private',
    purpose: 'The append-only history of every clock: started, paused, resumed, extended for good cause, reminders, overdue, escalations, met, stopped (what recomputations moved is in clock_recomputed)',
    retention: RETENTION,
    columns: {
      id: 'Random event id',
      clock_id: 'The clock',
      kind: 'What happened (a code)',
      at: 'When it happened; for a sealed clock only the week (a reminder time would tell the birthday)',
      dedupe_key: 'Makes a reminder, overdue flag or escalation happen once per clock',
      reason_code: 'Reason code of a pause, an extension or a stop',
      note_key: 'Message key explaining a good-cause delay (never free text)',
      days: 'Days of a good-cause extension',
      level: 'Reminder number or escalation level',
      escalate_to: 'Role code an escalation goes to (supervisor, …)',
      due_before: 'Due time before the event; for a sealed clock only the week',
      due_after: 'Due time after the event; for a sealed clock only the week',
      governing_rule: 'The rule that governed after the event',
      actor_id: 'Staff account that caused the event (empty for the engine)',
    },
  },
  {
    table: 'clock_recomputed',
    class: 'private',
    purpose: 'The part of every clock\'s history that recomputations wrote: the due time a change of the profile moved, and when (the `recomputed` events)',
    retention: RETENTION,
    columns: {
      clock_id: 'The clock',
      at: 'When the recomputation moved it',
      due_before: 'Due time before; for a sealed clock only the week',
      due_after: 'Due time after; for a sealed clock only the week',
      governing_rule: 'The rule that governs after it',
    },
  },
  {
    table: 'clock_recomputations',
    class: 'nonpublic',
    purpose: 'When open clocks were last recomputed with each version of the deadline rules (no data on individuals)',
    retention: 'Kept while the service runs; one row per version of the rules',
    columns: {
      rules_digest: 'Digest of the profile rules and holidays',
      started_at: 'When the recomputation began',
      finished_at: 'When it ended',
      clocks_checked: 'Open clocks checked (a count)',
      clocks_changed: 'Clocks whose due date or reminders moved (a count)',
    },
  },
]);
