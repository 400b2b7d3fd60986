#!/usr/bin/env node
// Supply-chain gate (R30, R39): no secrets in tracked files, and a lockfile whose every package carries an
// integrity hash and, where it records a download address, comes from the npm registry only.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REGISTRY = 'https://registry.npmjs.org/';

/** Public test data that contains example keys on purpose (the SMART Health Card spec's example issuer). */
const ALLOWED = [/^test\/fixtures\/shc-vectors\//, /^scripts\/fixtures\/secrets\//];

const SECRET_PATTERNS = [
  { name: 'private key block', re: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/ },
  { name: 'AWS access key id', re: /\bAKIA[0-9A-Z]{16}\b/ },
  { name: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { name: 'Stripe live key', re: /\b[sr]k_live_[A-Za-z0-9]{16,}\b/ },
  { name: 'private JWK', re: /"kty"\s*:\s*"(?:EC|RSA|OKP)"[^}]*"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/ },
  { name: 'key line (kid:base64url 32 bytes)', re: /\bSANCTUARY_(?:KEK|INDEX_KEY|BACKUP_KEY)\s*=\s*["']?[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43}\b/ },
];

/** Findings as `file: pattern`, for the tracked files under `root`. */
export function scanSecrets(root, files) {
  const findings = [];
  for (const rel of files) {
    if (ALLOWED.some((re) => re.test(rel))) continue;
    const abs = path.join(root, rel);
    let text;
    try {
      if (fs.statSync(abs).size > 2_000_000) continue;
      text = fs.readFileSync(abs, 'utf8');
    } catch {
      continue;
    }
    for (const p of SECRET_PATTERNS) if (p.re.test(text)) findings.push(`${rel}: ${p.name}`);
  }
  return findings;
}

/** Problems with the lockfile: packages without integrity, or fetched from anywhere but the registry. */
export function checkLockfile(lock) {
  const problems = [];
  for (const [name, entry] of Object.entries(lock.packages ?? {})) {
    if (name === '' || entry.link) continue;
    if (!entry.integrity) problems.push(`${name}: no integrity hash`);
    if (entry.resolved && !entry.resolved.startsWith(REGISTRY)) problems.push(`${name}: resolved outside the registry (${entry.resolved})`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  const secrets = scanSecrets(ROOT, files);
  const lock = checkLockfile(JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')));
  for (const s of secrets) process.stdout.write(`secret: ${s}\n`);
  for (const l of lock) process.stdout.write(`lockfile: ${l}\n`);
  process.stdout.write(`supply chain: ${files.length} files scanned, ${secrets.length} secrets, ${lock.length} lockfile problems\n`);
  process.exitCode = secrets.length + lock.length > 0 ? 1 : 0;
}
