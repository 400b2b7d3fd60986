import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.ts';
import { type CliIo, type Command, UsageError } from './command.ts';
import { COMMANDS } from './commands/index.ts';

// Zod compiles a fast path for each object schema the first time it parses one. The jurisdiction profile is a
// large schema parsed once at start, and request schemas are small: generating that code costs the start more
// (about 100 ms of CPU) than it ever saves a request, so the command runs Zod without it.
z.config({ jitless: true });

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: sanctuary <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "sanctuary <command> --help" for the options of one command.',
    'Configuration is read from environment variables (see README.md).',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`Usage: ${c.usage}`, '', c.summary, ...(c.help ? ['', c.help] : [])].join('\n');
}

/** Runs the CLI and returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  const out: CliIo = io ?? {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    tty: Boolean(process.stderr.isTTY),
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.out(helpText());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    out.err(`sanctuary: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out.out(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(rest, { config: () => loadConfig(process.env), io: out });
  } catch (err) {
    if (err instanceof ConfigError) {
      out.err(err.message);
      return 1;
    }
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      out.err(`sanctuary ${name}: ${err.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    out.err(`sanctuary ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
