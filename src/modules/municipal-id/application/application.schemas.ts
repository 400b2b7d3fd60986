/**
 * Shapes of the municipal ID application: what the form's answers must look like when the module stores
 * them (re-validated at sending, never trusted), the statuses an application goes through, and the staff
 * inputs of this part.
 */
import { z } from 'zod';
import { isRandomId } from '../../../core/crypto/random.ts';

/** The vault program of application subjects: their keys never mix with another program's. */
export const MUNICIPAL_ID_PROGRAM = 'municipal-id';
/** The public form's id: `/forms/municipal-id`. */
export const APPLICATION_FORM_ID = 'municipal-id';

/**
 * received → appointment-booked → enrolled → approved | denied → card-ready. Booking again after a missed
 * appointment goes back to `appointment-booked`.
 */
export const APPLICATION_STATUSES = ['received', 'appointment-booked', 'enrolled', 'approved', 'denied', 'card-ready'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Whether the person gave a home address, or has no fixed address (then a shelter or agency letter). */
export const HOUSING = ['address', 'none'] as const;
export type Housing = (typeof HOUSING)[number];

/**
 * Where the application stands on residency geography:
 * - `located`: the address was found in the county's address points, inside the city (ward and precinct known);
 * - `review`: found, but within metres of the city edge (or the boundary files disagree): staff decide;
 * - `unmatched`: not in the address points: staff place it by hand;
 * - `staff-placed`: staff placed it (coordinates or a precinct picked);
 * - `no-fixed-address`: no address; residency is shown by a shelter or agency letter.
 */
export const LOCATION_STATUSES = ['located', 'review', 'unmatched', 'staff-placed', 'no-fixed-address'] as const;
export type LocationStatus = (typeof LOCATION_STATUSES)[number];

/** Gender shown on the card: the person's own designation, including X, or none shown. */
export const GENDER_DESIGNATIONS = ['female', 'male', 'x', 'not-shown'] as const;
export type GenderDesignation = (typeof GENDER_DESIGNATIONS)[number];

/** How the person wants to hear about the appointment (`text` = SMS). */
export const CONTACT_METHODS = ['email', 'text', 'none'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** "No waiver: I will pay the fee" (the other choices are the jurisdiction's waiver ids). */
export const NO_WAIVER = 'none';

export const APPLICATION_LIMITS = { name: 100, street: 120, unit: 20, zip: 10, phone: 30, email: 254, documents: 20 } as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const slug = z.string().regex(/^[a-z][a-z0-9-]{0,59}$/);

/** The answers of the application form as the module stores them. */
export const applicationAnswersSchema = z
  .strictObject({
    livesInCity: z.literal('yes'),
    residencyDays: z.literal('enough'),
    name: z.string().min(1).max(APPLICATION_LIMITS.name),
    birthDate: isoDate,
    housing: z.enum(HOUSING),
    street: z.string().min(1).max(APPLICATION_LIMITS.street).optional(),
    unit: z.string().min(1).max(APPLICATION_LIMITS.unit).optional(),
    zip: z.string().min(1).max(APPLICATION_LIMITS.zip).optional(),
    documents: z.array(slug).min(1).max(APPLICATION_LIMITS.documents),
    gender: z.enum(GENDER_DESIGNATIONS).optional(),
    veteran: z.enum(['yes', 'no']).optional(),
    // A BCP 47 code from the jurisdiction profile.
    language: z.string().max(35).regex(/^[a-z]{2,3}[A-Za-z0-9-]*$/),
    contactMethod: z.enum(CONTACT_METHODS),
    phone: z.string().min(1).max(APPLICATION_LIMITS.phone).optional(),
    email: z.string().min(3).max(APPLICATION_LIMITS.email).optional(),
    feeWaiver: slug,
  })
  .superRefine((a, issue) => {
    // The branches of the form: an address only with `housing: address`; the chosen channel's value only.
    const withAddress = a.housing === 'address';
    if (withAddress !== (a.street !== undefined && a.zip !== undefined)) issue.addIssue({ code: 'custom', path: ['street'], message: 'form.error.invalid' });
    if (!withAddress && a.unit !== undefined) issue.addIssue({ code: 'custom', path: ['unit'], message: 'form.error.invalid' });
    if ((a.contactMethod === 'text') !== (a.phone !== undefined)) issue.addIssue({ code: 'custom', path: ['phone'], message: 'form.error.invalid' });
    if ((a.contactMethod === 'email') !== (a.email !== undefined)) issue.addIssue({ code: 'custom', path: ['email'], message: 'form.error.invalid' });
  });
export type ApplicationAnswers = z.output<typeof applicationAnswersSchema>;

/** A decision reason: a code the enrolment part defines (the letter text is translated from it), not free text. */
export const decisionReasonSchema = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/);

/** Path parameters of one application (staff pages). */
export const applicationParamsSchema = z.strictObject({ id: z.string().refine(isRandomId) });

/** Staff placing an application's location by hand: coordinates, or a precinct picked from the list. */
export const placementFormSchema = z.strictObject({
  _csrf: z.string(),
  method: z.enum(['point', 'precinct'], 'municipalId.place.error.method'),
  lon: z.string().max(30).optional(),
  lat: z.string().max(30).optional(),
  precinct: z.string().max(20).optional(),
});

/** A location placed by staff, parsed. */
export type PlacementInput = { kind: 'point'; lon: number; lat: number } | { kind: 'precinct'; precinctId: string };
