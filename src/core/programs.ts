/**
 * The thirteen programs of the platform (DESIGN.md §2), with what each offers residents and whether this
 * release serves it. The home page and README list them from here.
 */
export type ProgramStatus = 'available' | 'in-progress' | 'planned';

export interface Program {
  number: number;
  module: string;
  status: ProgramStatus;
}

export const PROGRAMS: readonly Program[] = [
  { number: 1, module: 'legal-defense', status: 'in-progress' },
  { number: 2, module: 'municipal-id', status: 'in-progress' },
  { number: 3, module: 'county-accountability', status: 'planned' },
  { number: 4, module: 'shield', status: 'planned' },
  { number: 5, module: 'clinics', status: 'planned' },
  { number: 6, module: 'u-visa', status: 'available' },
  { number: 7, module: 'data-practices', status: 'planned' },
  { number: 8, module: 'labor', status: 'planned' },
  { number: 9, module: 'tenants', status: 'planned' },
  { number: 10, module: 'municipal-voting', status: 'planned' },
  { number: 11, module: 'public-records', status: 'planned' },
  { number: 12, module: 'contracts', status: 'planned' },
  { number: 13, module: 'office', status: 'available' },
];
