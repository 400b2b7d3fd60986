import { defineClassification } from '../privacy/classification.ts';

/**
 * Classification of the staff-account tables. Staff accounts are data on individuals (employees): `private`
 * under Minn. Stat. §13.43 except where noted; credentials and security counters are `confidential`
 * (security information, §13.37 subd. 1(a)).
 */
export const authClassification = defineClassification([
  {
    table: 'auth_users',
    class: 'private',
    purpose: 'Staff accounts: who may sign in to the back office, with which roles and factors',
    retention: 'While the person works with the platform; disabled accounts are kept for the audit trail',
    columns: {
      id: 'Random account id; also the vault subject id of the account',
      email_lookup: { purpose: 'Find the account by e-mail at sign-in (keyed, truncated HMAC)', protection: 'blindIndex' },
      email_display: { purpose: 'Show administrators whose account it is', protection: 'encrypted' },
      display_name: 'Name shown in the staff pages',
      status: 'Pending, active or disabled',
      password_hash: { purpose: 'Verify the password (argon2id hash; the password is never stored)', class: 'confidential' },
      totp_secret: { purpose: 'Verify authenticator codes', protection: 'encrypted', class: 'confidential' },
      last_totp_step: { purpose: 'Refuse a replayed authenticator code', class: 'confidential' },
      demo: 'Marks the seeded demo accounts (allowed TOTP instead of a passkey while DEMO is on)',
      last_login_at: 'Shown to administrators to find unused accounts',
      disabled_at: 'When the account was disabled',
      created_at: 'When the account was created',
      updated_at: 'When the account last changed',
    },
  },
  {
    table: 'auth_user_roles',
    class: 'private',
    purpose: 'The roles of each staff account (what they may do)',
    retention: 'While the role is held',
    columns: {
      user_id: 'The account',
      role: 'The role held',
      granted_at: 'When it was granted',
    },
  },
  {
    table: 'auth_enrolments',
    class: 'confidential',
    purpose: 'One-time enrolment links and the factors chosen while enrolling',
    retention: '72 hours, or until the enrolment is finished',
    columns: {
      id: 'Random id',
      user_id: 'The account being enrolled',
      token_hash: 'SHA-256 of the link token (the token is never stored)',
      browser_hash: 'SHA-256 of the cookie binding the enrolment to one browser',
      pending_password_hash: 'argon2id hash of the chosen password until enrolment completes',
      pending_totp_secret: { purpose: 'Authenticator secret until it is confirmed', protection: 'encrypted' },
      totp_confirmed_step: 'The step of the code that confirmed the authenticator (not replayable)',
      created_at: 'When the link was made',
      expires_at: 'When the link stops working',
      used_at: 'When the link was used',
    },
  },
  {
    table: 'auth_sessions',
    class: 'confidential',
    purpose: 'Server-side staff sessions (revocable; idle and absolute timeouts)',
    retention: 'Until sign-out, 30 (admins 15) minutes idle, or 12 hours',
    columns: {
      id_hash: 'SHA-256 of the session id (the id is only in the cookie)',
      user_id: 'The signed-in account',
      factor: 'Second factor used: TOTP or passkey',
      created_at: 'Start of the session (absolute timeout)',
      last_seen_at: 'Last request (idle timeout)',
      step_up_at: 'Last passkey step-up (valid 5 minutes)',
    },
  },
  {
    table: 'auth_passkeys',
    class: 'private',
    purpose: 'Passkeys (WebAuthn public keys) registered by staff',
    retention: 'While the account exists',
    columns: {
      id: 'Credential id chosen by the authenticator',
      user_id: 'The account',
      public_key: 'COSE public key (not secret)',
      counter: 'Signature counter (detects cloned authenticators)',
      transports: 'How the browser reaches the authenticator (usb, nfc, internal…)',
      created_at: 'When it was registered',
      last_used_at: 'When it was last used',
    },
  },
  {
    table: 'auth_webauthn_challenges',
    class: 'nonpublic',
    purpose: 'One-time WebAuthn challenges of ceremonies in progress',
    retention: '5 minutes',
    columns: {
      challenge: 'Random challenge',
      purpose: 'Sign-in, registration or step-up',
      user_id: 'The account it was issued to (registration, step-up)',
      expires_at: 'When it stops being accepted',
    },
  },
  {
    table: 'auth_throttle',
    class: 'nonpublic',
    purpose: 'Failed sign-in counters per account (by e-mail blind index) and per client address',
    retention: '24 hours after the last failure, or until a successful sign-in',
    columns: {
      key: { purpose: 'account:<e-mail blind index> or ip:<client address blind index>', protection: 'blindIndex' },
      failures: 'Consecutive failures',
      locked_until: 'Until when sign-in is paused',
      last_failure_at: 'When the last failure happened',
    },
  },
]);
