import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/core/auth/permissions.ts';
import { routeInventory } from '../../src/core/auth/session-hook.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

/**
 * The route × role authorization matrix (R11, R1): every registered route — including the ones modules add
 * later, found through the route inventory — is requested anonymously and with a session of each role.
 * Deny by default: anonymous gets 401 (a browser asking for a page is sent to the sign-in page); a role gets
 * 403 on every route whose permission it lacks; admins and counsel signed in without a passkey lose their
 * high-assurance permissions.
 */

/** Every (method, path) in Fastify's own route tree, to prove the inventory misses nothing. */
function routesFromTree(tree: string): Array<{ method: string; url: string }> {
  const out: Array<{ method: string; url: string }> = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const branch = Math.max(line.indexOf('├── '), line.indexOf('└── '));
    if (branch < 0) continue;
    const depth = branch / 4;
    let segment = line.slice(branch + 4);
    let methods = '';
    const paren = segment.lastIndexOf(' (');
    if (paren >= 0 && segment.endsWith(')')) {
      methods = segment.slice(paren + 2, -1);
      segment = segment.slice(0, paren);
    }
    const parent = depth > 0 ? (stack[depth - 1] ?? '') : '';
    const full = depth === 0 ? segment : parent.endsWith('/') || segment.startsWith('/') || segment.startsWith('-') || segment.startsWith('.') ? parent + segment : `${parent}/${segment}`;
    stack[depth] = full;
    stack.length = depth + 1;
    for (const method of methods.split(',').map((x) => x.trim()).filter(Boolean)) out.push({ method, url: full });
  }
  return out;
}

function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'token' ? 'A'.repeat(43) : name === 'type' ? 'core.user' : randomId()));
}

async function request(b: TestBrowser, t: TestApp, method: string, url: string, json = false) {
  if (method === 'GET') return b.get(url, json ? { accept: 'application/json' } : {});
  if (method === 'POST') return b.post(url, {}, json ? { accept: 'application/json' } : {});
  return t.app.inject({ method: method as 'PUT', url, headers: { cookie: b.cookieHeader(), 'x-csrf-token': b.csrf, 'content-type': 'application/json' }, payload: '{}' });
}

describeEachDialect('route × role authorization matrix', (dialect) => {
  let t: TestApp;
  const principals = new Map<string, { browser: TestBrowser; roles: readonly Role[] }>();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    for (const role of ROLES) {
      const b = await signInAs(t, role);
      principals.set(role, { browser: b, roles: [role] });
    }
    // Admins and counsel signed in with TOTP only: their high-assurance role is withheld (R1).
    for (const role of ['admin', 'counsel'] as const) {
      const b = await signInAs(t, role, { factor: 'totp' });
      principals.set(`${role} without passkey`, { browser: b, roles: [] });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('inventories every registered route, each with a declared access', () => {
    const inventory = routeInventory(t.app);
    expect(inventory.length).toBeGreaterThan(20);
    const known = new Set(inventory.map((r) => `${r.method} ${r.url}`));
    const fromTree = routesFromTree(t.app.printRoutes({ commonPrefix: false })).filter(
      (r) => r.method !== 'HEAD' && r.url !== '/*' && r.url !== '*',
    );
    expect(fromTree.length).toBeGreaterThanOrEqual(inventory.length);
    expect(fromTree.filter((r) => !known.has(`${r.method} ${r.url}`))).toEqual([]);
    for (const r of inventory) expect(r.access, `${r.method} ${r.url}`).toBeDefined();
    // The staff pages this part of core adds are all there.
    for (const r of ['GET /staff', 'GET /staff/users', 'POST /staff/users/:id/roles', 'POST /staff/step-up']) expect(known).toContain(r);
  });

  it('anonymous: 401 on every non-public route (a browser asking for a page is sent to sign in)', async () => {
    const failures: string[] = [];
    for (const route of routeInventory(t.app)) {
      if (route.access === 'public') continue;
      const url = concrete(route.url);
      const b = new TestBrowser(t.app);
      const res = await request(b, t, route.method, url, true);
      if (res.statusCode !== 401) failures.push(`${route.method} ${route.url} (json) → ${res.statusCode}`);
      // An API route answers JSON (401) to everyone; only pages send a browser to the sign-in page.
      if (route.method === 'GET' && !route.url.startsWith('/api/')) {
        const page = await request(new TestBrowser(t.app), t, 'GET', url);
        if (page.statusCode !== 303 || !String(page.headers.location).startsWith('/staff/login?next=')) {
          failures.push(`${route.method} ${route.url} (html) → ${page.statusCode} ${String(page.headers.location)}`);
        }
      } else {
        const form = await request(new TestBrowser(t.app), t, route.method, url);
        if (form.statusCode !== 401) failures.push(`${route.method} ${route.url} (form) → ${form.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('each role: 403 on every route whose permission it lacks, and through the guard where it has it', async () => {
    const failures: string[] = [];
    let denied = 0;
    let allowed = 0;
    for (const route of routeInventory(t.app)) {
      if (route.access === 'public' || route.access === undefined) continue;
      for (const [name, { browser, roles }] of principals) {
        const permitted = route.access === 'staff' || t.ctx.permissions.allows(roles, route.access.permission);
        const res = await request(browser, t, route.method, concrete(route.url));
        if (!permitted) {
          denied++;
          if (res.statusCode !== 403) failures.push(`${name}: ${route.method} ${route.url} → ${res.statusCode}, expected 403`);
        } else {
          allowed++;
          const stepUp = res.statusCode === 401 && res.body.includes('fresh confirmation with your passkey');
          if (res.statusCode >= 500 || res.statusCode === 403 || (res.statusCode === 401 && !stepUp)) {
            failures.push(`${name}: ${route.method} ${route.url} → ${res.statusCode}, expected the guard to let it through`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(denied).toBeGreaterThan(0);
    expect(allowed).toBeGreaterThan(0);
  });

  it('the permission registry only grants to real roles, and admin-only pages refuse every other role', async () => {
    for (const p of t.ctx.permissions.list()) for (const r of p.roles) expect(ROLES).toContain(r);
    for (const [name, { browser, roles }] of principals) {
      const res = await browser.get('/staff/users');
      expect(res.statusCode, name).toBe(roles.includes('admin') ? 200 : 403);
    }
  });
});
