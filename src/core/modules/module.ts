import type { FastifyInstance } from 'fastify';
import type { PermissionDefinition } from '../auth/permissions.ts';
import type { NamedMigrations } from '../db/migrator.ts';
import type { FormDefinition } from '../forms/form-definition.ts';
import type { ClockHandlers } from '../clocks/clocks.service.ts';
import type { CatalogSet } from '../i18n/messages.ts';
import type { JobDefinition, ScheduleDefinition } from '../jobs/job-queue.ts';
import type { RetentionPolicy } from '../privacy/retention.ts';
import type { DisclosureSource } from '../privacy/demands.sources.ts';
import type { TableDeclaration } from '../privacy/classification.ts';
import type { AppContext } from './context.ts';

/** How a program appears to residents on the home page and to staff in the navigation. */
export interface ProgramEntry {
  /** Message keys. */
  titleKey: string;
  summaryKey: string;
  /** Where a resident starts (public), if the program has a public door. */
  publicHref?: string;
  /**
   * Where staff start, with the permission that shows the link; a list gives other doors, in order, for staff
   * who lack the first one's permission (desk staff who may take a report but not open the queue).
   */
  staffHref?: StaffDoor | readonly StaffDoor[];
}

/** A staff entry point of a program and the permission it needs. */
export interface StaffDoor {
  href: string;
  permission: string;
}

/** The first of a program's staff doors that `allows` lets through, if any. */
export function staffDoorFor(program: ProgramEntry | undefined, allows: (permission: string) => boolean): StaffDoor | undefined {
  const doors = program?.staffHref;
  if (doors === undefined) return undefined;
  const list: readonly StaffDoor[] = 'href' in doors ? [doors] : doors;
  return list.find((d) => allows(d.permission));
}

/**
 * The module contract: everything a program brings to the platform. `app.ts` registers every module's
 * migrations, permissions, catalogs and routes; a module never reaches into another module except through
 * that module's `api.ts`.
 */
export interface SanctuaryModule {
  /** kebab-case, e.g. `municipal-id`. */
  id: string;
  migrations?: NamedMigrations;
  permissions?: readonly PermissionDefinition[];
  catalogs: CatalogSet;
  /**
   * Data classification of every table and column the module's migrations create (`defineClassification`,
   * `core/privacy/classification.ts`); a test fails on anything undeclared or forbidden. Tables with a
   * `subjectColumn` have their rows deleted when the subject is forgotten.
   */
  classification?: readonly TableDeclaration[];
  program?: ProgramEntry;
  /** Kinds of records the outside-demand gate may disclose under an approved court order (`core/privacy/demands.sources.ts`). */
  disclosureSources?: readonly DisclosureSource[];
  /** Guided public forms (`defineForm`), validated at start and served at `/forms/<id>`. */
  forms?: readonly FormDefinition[];
  /** Background jobs the module enqueues (`ctx.jobs.enqueue`) and recurring ones (`core/jobs/job-queue.ts`). */
  jobs?: readonly JobDefinition[];
  schedules?: readonly ScheduleDefinition[];
  /** What to do when the module's deadline clocks remind, fall overdue or escalate (`core/clocks`). */
  clockHandlers?: ClockHandlers;
  /** How long each kind of record is kept; the daily purge enforces it (`core/privacy/retention.ts`). */
  retention?: readonly RetentionPolicy[];
  /** Registers routes inside an encapsulated Fastify context. */
  routes?(app: FastifyInstance, ctx: AppContext): Promise<void> | void;
  /** Seeds demo data into a new database (only when DEMO is on). */
  seedDemo?(ctx: AppContext): Promise<void>;
}
