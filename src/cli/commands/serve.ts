import type { Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the web service (creates and migrates the database; seeds a new demo database)',
  usage: 'sanctuary serve',
  help: 'Listens on HOST:PORT (default 127.0.0.1:3000). Configuration comes from environment variables; see the README.',
  async run(args, { config, io }) {
    if (args.length > 0) throw new (await import('../command.ts')).UsageError(`unexpected argument: ${args[0]}`);
    const { serve } = await import('../../main.ts');
    await serve(config(), { onListening: (url) => io.err(`Sanctuary is running at ${url}`) });
    return new Promise<number>(() => {});
  },
};
