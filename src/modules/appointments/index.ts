import type { SanctuaryModule } from '../../core/modules/module.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };
import { appointmentsClassification } from './appointments.classification.ts';
import { seedAppointmentsDemo } from './appointments.demo.ts';
import { appointmentsJobs, appointmentsSchedules } from './appointments.jobs.ts';
import { APPOINTMENT_PERMISSIONS, appointmentPermissions } from './appointments.policy.ts';
import { appointmentsRetention } from './appointments.retention.ts';
import { registerAppointmentRoutes } from './appointments.routes.tsx';
import { appointmentsMigrations } from './migrations/index.ts';

/**
 * Appointments: the scheduling capability other programs reuse (municipal-ID enrolment, later clinics) —
 * sites, opening hours, holidays and closures, slots with capacity, booking by residents without an account,
 * cancelling and rescheduling by reference code, a waiting list that offers freed seats, a walk-in queue,
 * reminders by email and SMS with an `.ics` file, and the staff day view. Other modules use `api.ts`.
 */
export const appointmentsModule: SanctuaryModule = {
  id: 'appointments',
  migrations: appointmentsMigrations,
  permissions: appointmentPermissions,
  catalogs: { en, es, so, hmn },
  classification: appointmentsClassification,
  program: {
    titleKey: 'program.appointments.title',
    summaryKey: 'program.appointments.summary',
    publicHref: '/appointments',
    staffHref: { href: '/staff/appointments', permission: APPOINTMENT_PERMISSIONS.read },
  },
  jobs: appointmentsJobs,
  schedules: appointmentsSchedules,
  retention: appointmentsRetention,
  routes: registerAppointmentRoutes,
  seedDemo: seedAppointmentsDemo,
};
