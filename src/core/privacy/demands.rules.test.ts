import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEMAND_TYPES,
  DHS_FORMS,
  type DemandChecklist,
  approvalState,
  disclosureExpiry,
  evaluateDemand,
  noticeDueAt,
  quarterOf,
} from './demands.rules.ts';

const TODAY = '2026-11-27';

/** A judicial warrant whose face passes every check. */
function valid(overrides: Partial<DemandChecklist> = {}): DemandChecklist {
  return {
    type: 'judicial_warrant',
    formNumber: 'none',
    issuedByCourt: 'yes',
    signedByJudge: 'yes',
    judgeName: 'Hon. A. Judge',
    courtName: 'United States District Court for the District of Minnesota',
    caseNumber: '0:26-mj-01234',
    issuedOn: '2026-11-20',
    expiresOn: '2026-12-04',
    scopeRecords: 1,
    ...overrides,
  };
}

describe('evaluateDemand (R15: only a judicial warrant or court order can be approved)', () => {
  it('approves a judicial warrant and a court order whose checklist passes', () => {
    expect(evaluateDemand(valid(), TODAY)).toEqual({ approvable: true, reasons: [] });
    expect(evaluateDemand(valid({ type: 'court_order', expiresOn: null }), TODAY)).toEqual({ approvable: true, reasons: [] });
  });

  it.each([
    ['administrative_warrant', 'administrative_warrant_not_judicial'],
    ['detainer', 'detainer_not_court_order'],
    ['administrative_subpoena', 'administrative_subpoena_not_court_ordered'],
    ['informal_request', 'informal_request_no_legal_process'],
    ['other', 'other_not_judicial'],
  ] as const)('never approves %s, even with a perfect checklist (reason %s)', (type, reason) => {
    expect(evaluateDemand(valid({ type }), TODAY)).toEqual({ approvable: false, reasons: [reason] });
  });

  it('treats a "warrant" carrying a DHS form number as administrative', () => {
    for (const formNumber of DHS_FORMS) {
      const e = evaluateDemand(valid({ formNumber }), TODAY);
      expect(e.approvable).toBe(false);
      expect(e.reasons).toContain('dhs_form_not_judicial');
    }
  });

  it('names every failed check of a judicial instrument', () => {
    const e = evaluateDemand(
      valid({ issuedByCourt: 'unknown', signedByJudge: 'no', judgeName: ' ', courtName: null, caseNumber: '', scopeRecords: 0, expiresOn: '2026-11-26' }),
      TODAY,
    );
    expect(e.approvable).toBe(false);
    expect(e.reasons).toEqual(['not_issued_by_court', 'not_signed_by_judge', 'no_court_named', 'no_case_number', 'scope_not_specific', 'expired']);
  });

  it('requires the judge to be named, not only a "yes"', () => {
    expect(evaluateDemand(valid({ judgeName: null }), TODAY).reasons).toEqual(['not_signed_by_judge']);
  });

  it('is valid through its expiry date', () => {
    expect(evaluateDemand(valid({ expiresOn: TODAY }), TODAY).approvable).toBe(true);
  });

  it('property: nothing but a judicial warrant or a court order is ever approvable', () => {
    const tri = fc.constantFrom('yes', 'no', 'unknown' as const);
    const text = fc.option(fc.string({ maxLength: 20 }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom(...DEMAND_TYPES),
          formNumber: fc.constantFrom('none', 'other', ...DHS_FORMS),
          issuedByCourt: tri,
          signedByJudge: tri,
          judgeName: text,
          courtName: text,
          caseNumber: text,
          issuedOn: fc.constant(null),
          expiresOn: fc.option(fc.constantFrom('2026-01-01', '2027-01-01'), { nil: null }),
          scopeRecords: fc.nat(5),
        }),
        (c) => {
          const e = evaluateDemand(c, TODAY);
          if (e.approvable) {
            expect(['judicial_warrant', 'court_order']).toContain(c.type);
            expect(c.issuedByCourt).toBe('yes');
            expect(c.signedByJudge).toBe('yes');
            expect(c.scopeRecords).toBeGreaterThan(0);
          } else {
            expect(e.reasons.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('approvalState (two-person rule)', () => {
  it('needs counsel and a second, different person', () => {
    expect(approvalState([])).toEqual({ complete: false, missing: 'both' });
    expect(approvalState([{ userId: 'c1', roles: ['counsel'] }])).toEqual({ complete: false, missing: 'second_person' });
    expect(approvalState([{ userId: 'a1', roles: ['admin'] }])).toEqual({ complete: false, missing: 'both' });
    expect(approvalState([{ userId: 'a1', roles: ['admin'] }, { userId: 'a2', roles: ['admin'] }])).toEqual({ complete: false, missing: 'counsel' });
    expect(approvalState([{ userId: 'c1', roles: ['counsel'] }, { userId: 'a1', roles: ['admin'] }])).toEqual({ complete: true });
    expect(approvalState([{ userId: 'c1', roles: ['counsel'] }, { userId: 'c2', roles: ['counsel'] }])).toEqual({ complete: true });
  });

  it('counts one person twice as one', () => {
    expect(approvalState([{ userId: 'c1', roles: ['counsel'] }, { userId: 'c1', roles: ['counsel', 'admin'] }])).toEqual({
      complete: false,
      missing: 'second_person',
    });
  });
});

describe('deadlines', () => {
  it('a disclosure is available for seven days, or until the instrument expires if sooner', () => {
    const approved = new Date('2026-11-27T10:00:00.000Z');
    expect(disclosureExpiry(approved, null).toISOString()).toBe('2026-12-04T10:00:00.000Z');
    expect(disclosureExpiry(approved, '2026-11-29').toISOString()).toBe('2026-11-29T23:59:59.999Z');
    expect(disclosureExpiry(approved, '2027-01-01').toISOString()).toBe('2026-12-04T10:00:00.000Z');
  });

  it('the person must be told within three days of receipt (default clock)', () => {
    expect(noticeDueAt(new Date('2026-11-27T15:30:00.000Z')).toISOString()).toBe('2026-11-30T15:30:00.000Z');
  });

  it('follows a jurisdiction clock in business days and its weekend rule', () => {
    // A calendar in UTC where weekends and 2026-12-01 are not business days.
    const calendar = {
      localDate: (d: Date) => d.toISOString().slice(0, 10),
      isBusinessDay: (iso: string) => ![0, 6].includes(new Date(`${iso}T00:00:00Z`).getUTCDay()) && iso !== '2026-12-01',
    };
    // Friday 27 Nov + 3 business days: Mon 30, (Tue 1 holiday), Wed 2, Thu 3.
    expect(noticeDueAt(new Date('2026-11-27T15:30:00.000Z'), { amount: 3, unit: 'business-days', dueOnNonBusinessDay: 'keep' }, calendar).toISOString()).toBe(
      '2026-12-03T15:30:00.000Z',
    );
    // Thursday + 2 days = Saturday → next business day Monday.
    expect(noticeDueAt(new Date('2026-11-26T10:00:00.000Z'), { amount: 2, unit: 'days', dueOnNonBusinessDay: 'next-business-day' }, calendar).toISOString()).toBe(
      '2026-11-30T10:00:00.000Z',
    );
    expect(noticeDueAt(new Date('2026-11-26T10:00:00.000Z'), { amount: 2, unit: 'days', dueOnNonBusinessDay: 'previous-business-day' }, calendar).toISOString()).toBe(
      '2026-11-27T10:00:00.000Z',
    );
    expect(noticeDueAt(new Date('2026-11-26T10:00:00.000Z'), { amount: 72, unit: 'hours', dueOnNonBusinessDay: 'keep' }).toISOString()).toBe('2026-11-29T10:00:00.000Z');
  });

  it('quarters', () => {
    expect(quarterOf('2026-01-01T00:00:00.000Z')).toBe('2026-Q1');
    expect(quarterOf('2026-03-31T23:59:59.999Z')).toBe('2026-Q1');
    expect(quarterOf('2026-04-01T00:00:00.000Z')).toBe('2026-Q2');
    expect(quarterOf('2026-12-31T00:00:00.000Z')).toBe('2026-Q4');
  });
});
