import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain JavaScript script without type declarations
import { checkLockfile, scanSecrets } from '../../scripts/check-supply-chain.js';

const scan = scanSecrets as (root: string, files: string[]) => string[];
const lockProblems = checkLockfile as (lock: unknown) => string[];

describe('supply-chain gate', () => {
  it('finds secrets in tracked files and passes clean ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    const files: Record<string, string> = {
      'ok.ts': 'const kid = "k1"; // not a secret',
      // Built from pieces so that this test file itself does not trip the scanner.
      'pem.txt': `-----BEGIN EC ${'PRIVATE'} KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----`,
      'jwk.json': `{"kty":"EC","crv":"P-256","x":"abc","y":"def","${'d'}":"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"}`,
      'env.sh': `SANCTUARY_${'KEK'}=k1:${'A'.repeat(43)}`,
      'aws.txt': `id ${'AKIA'}IOSFODNN7EXAMPLE here`,
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const findings = scan(dir, Object.keys(files));
    expect(findings.map((f) => f.split(':')[0]).sort()).toEqual(['aws.txt', 'env.sh', 'jwk.json', 'pem.txt']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses lockfile entries without integrity or from outside the registry', () => {
    const problems = lockProblems({
      packages: {
        '': { name: 'x' },
        'node_modules/a': { version: '1.0.0', integrity: 'sha512-x' },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/c': { version: '1.0.0', integrity: 'sha512-y', resolved: 'https://evil.example/c.tgz' },
        'node_modules/d': { link: true },
      },
    });
    expect(problems).toEqual(['node_modules/b: no integrity hash', 'node_modules/c: resolved outside the registry (https://evil.example/c.tgz)']);
  });

  it('passes on this repository', () => {
    const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as unknown;
    expect(lockProblems(lock)).toEqual([]);
  });
});
