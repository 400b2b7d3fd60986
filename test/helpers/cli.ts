import type { CliIo } from '../../src/cli/command.ts';
import { main } from '../../src/cli/index.ts';
import type { Config } from '../../src/config.ts';

/**
 * Runs the `sanctuary` CLI in-process against a test app's database and key files, with a clean environment
 * (Vitest's own variables, such as BASE_URL='/', are not valid Sanctuary settings). Returns the exit code and
 * what the command printed on stdout and stderr.
 */
export async function runCli(config: Config, argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), tty: false };
  const saved = process.env;
  process.env = {
    PATH: saved.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: config.database.kind === 'postgres' ? config.database.url : `sqlite:${config.database.file}`,
    DATA_DIR: config.dataDir,
    KEY_FILE: config.keyFile,
    AUDIT_KEY_FILE: config.auditKeyFile,
    KEY_VAULT_URL: config.keyVault.kind === 'postgres' ? config.keyVault.url : `sqlite:${config.keyVault.file}`,
    BACKUP_DIR: config.backup.dir,
    DEMO: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  };
  try {
    const code = await main(argv, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.env = saved;
  }
}
