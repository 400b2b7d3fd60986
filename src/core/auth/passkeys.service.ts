import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Executor } from '../db/transaction.ts';
import { type ChallengePurpose, authRepo } from './auth.repo.ts';
import type { AuthDeps } from './sessions.service.ts';

// Loaded on the first passkey ceremony: the library and its ASN.1 dependencies are a large share of what an
// instance would otherwise load at start and keep in memory (issue 2).
let webauthnModule: Promise<typeof import('@simplewebauthn/server')> | undefined;
const webauthn = () => (webauthnModule ??= import('@simplewebauthn/server'));

/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: registration and assertion ceremonies, one-time
 * challenges kept in the database, signature counters. User verification is required (PIN or biometric on
 * the key or phone), which with possession makes a passkey a phishing-resistant multi-factor authenticator
 * (NIST 800-63B AAL3 style, R1). Credentials must be discoverable (resident), so sign-in asks no e-mail
 * first and reveals nothing about which accounts exist.
 */

/** How long a ceremony may take before its challenge expires. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface PasskeyDeps extends AuthDeps {
  config: Pick<Config, 'baseUrl'>;
}

/** The relying party: the host of BASE_URL and its origin (what the browser signs into clientDataJSON). */
export function relyingParty(config: Pick<Config, 'baseUrl'>): { rpID: string; origin: string } {
  const url = new URL(config.baseUrl);
  return { rpID: url.hostname, origin: url.origin };
}

const b64url = z.string().min(1).max(4096).regex(/^[A-Za-z0-9_-]+$/);

/** The JSON a browser posts after `navigator.credentials.create()` (see `public/passkey.js`). */
export const registrationResponseSchema = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: z.string().min(1).max(16384).regex(/^[A-Za-z0-9_-]+$/),
    transports: z.array(z.string().max(32)).max(10).optional(),
    authenticatorData: b64url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url.optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/** The JSON a browser posts after `navigator.credentials.get()`. */
export const authenticationResponseSchema = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: z.string().max(512).regex(/^[A-Za-z0-9_-]*$/).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/** Parses a posted credential (a JSON string from a hidden form field); null when it is not one. */
export function parseCredentialField<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 32_768) return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The challenge inside clientDataJSON (so it can be looked up and consumed before verification). */
function challengeOf(clientDataJSON: string): string | null {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    const challenge = (data as { challenge?: unknown }).challenge;
    return typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

async function storeChallenge(deps: AuthDeps, challenge: string, purpose: ChallengePurpose, userId: string | null): Promise<void> {
  const now = deps.now();
  await authRepo.deleteExpiredChallenges(deps.db.kysely, now.toISOString());
  await authRepo.insertChallenge(deps.db.kysely, {
    challenge,
    purpose,
    user_id: userId,
    expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
  });
}

/** Consumes a challenge: it must exist, be for this purpose (and user, when bound) and not have expired. */
async function consumeChallenge(deps: AuthDeps, clientDataJSON: string, purpose: ChallengePurpose, userId: string | null): Promise<string | null> {
  const challenge = challengeOf(clientDataJSON);
  if (!challenge) return null;
  const row = await authRepo.takeChallenge(deps.db.kysely, challenge);
  if (!row || row.purpose !== purpose) return null;
  if (Date.parse(row.expires_at) <= deps.now().getTime()) return null;
  if (userId !== null && row.user_id !== userId) return null;
  return challenge;
}

/** Options for `navigator.credentials.create()`; the challenge is remembered for this user. */
export async function passkeyRegistrationOptions(
  deps: PasskeyDeps,
  input: { userId: string; userName: string; displayName: string; rpName: string },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { rpID } = relyingParty(deps.config);
  const existing = await authRepo.passkeysOf(deps.db.kysely, input.userId);
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: input.rpName,
    rpID,
    userName: input.userName,
    userDisplayName: input.displayName,
    userID: new TextEncoder().encode(input.userId),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: JSON.parse(p.transports) as string[] })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    timeout: CHALLENGE_TTL_MS,
  });
  await storeChallenge(deps, options.challenge, 'register', input.userId);
  return options;
}

/** A verified new credential, ready to store with {@link savePasskey}. */
export interface NewPasskey {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

/** Verifies a registration response for this user; null when it does not verify. */
export async function verifyPasskeyRegistration(
  deps: PasskeyDeps,
  input: { userId: string; response: RegistrationResponseJSON },
): Promise<NewPasskey | null> {
  const challenge = await consumeChallenge(deps, input.response.response.clientDataJSON, 'register', input.userId);
  if (!challenge) return null;
  const { rpID, origin } = relyingParty(deps.config);
  try {
    const result = await (await webauthn()).verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
    });
    if (!result.verified) return null;
    const c = result.registrationInfo.credential;
    if (await authRepo.findPasskey(deps.db.kysely, c.id)) return null;
    return {
      id: c.id,
      publicKey: Buffer.from(c.publicKey).toString('base64url'),
      counter: c.counter,
      transports: (input.response.response.transports ?? []).filter((t) => /^[a-z-]{1,32}$/.test(t)),
    };
  } catch {
    // Malformed attestation, wrong origin, wrong RP, no user verification: all simply "not verified".
    return null;
  }
}

/** Stores a verified credential for a user. */
export async function savePasskey(db: Executor, input: { userId: string; passkey: NewPasskey; at: string }): Promise<void> {
  await authRepo.insertPasskey(db, {
    id: input.passkey.id,
    user_id: input.userId,
    public_key: input.passkey.publicKey,
    counter: input.passkey.counter,
    transports: JSON.stringify(input.passkey.transports),
    created_at: input.at,
    last_used_at: null,
  });
}

/**
 * Options for `navigator.credentials.get()`. For sign-in no account is named (discoverable credentials);
 * for step-up the user's own credentials are listed.
 */
export async function passkeyAssertionOptions(
  deps: PasskeyDeps,
  input: { purpose: 'login' } | { purpose: 'step-up'; userId: string },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { rpID } = relyingParty(deps.config);
  const allow =
    input.purpose === 'step-up'
      ? (await authRepo.passkeysOf(deps.db.kysely, input.userId)).map((p) => ({ id: p.id, transports: JSON.parse(p.transports) as string[] }))
      : undefined;
  const options = await (await webauthn()).generateAuthenticationOptions({
    rpID,
    userVerification: 'required',
    allowCredentials: allow,
    timeout: CHALLENGE_TTL_MS,
  });
  await storeChallenge(deps, options.challenge, input.purpose, input.purpose === 'step-up' ? input.userId : null);
  return options;
}

/**
 * Verifies an assertion. Returns the user the credential belongs to, or null. With `userId` (step-up, or
 * sign-in once the e-mail named an account) the credential must belong to that user.
 */
export async function verifyPasskeyAssertion(
  deps: PasskeyDeps,
  input: { purpose: 'login' | 'step-up'; response: AuthenticationResponseJSON; userId?: string },
): Promise<{ userId: string; credentialId: string } | null> {
  const challenge = await consumeChallenge(deps, input.response.response.clientDataJSON, input.purpose, input.purpose === 'step-up' ? (input.userId ?? null) : null);
  if (!challenge) return null;
  const stored = await authRepo.findPasskey(deps.db.kysely, input.response.id);
  if (!stored) return null;
  if (input.userId !== undefined && stored.user_id !== input.userId) return null;
  const { rpID, origin } = relyingParty(deps.config);
  try {
    const result = await (await webauthn()).verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      credential: {
        id: stored.id,
        publicKey: new Uint8Array(Buffer.from(stored.public_key, 'base64url')),
        counter: Number(stored.counter),
        transports: JSON.parse(stored.transports) as string[],
      },
    });
    if (!result.verified) return null;
    const advanced = await authRepo.advancePasskeyCounter(deps.db.kysely, stored.id, result.authenticationInfo.newCounter, deps.now().toISOString());
    if (!advanced) return null;
    return { userId: stored.user_id, credentialId: stored.id };
  } catch {
    return null;
  }
}
