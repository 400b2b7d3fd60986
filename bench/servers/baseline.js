// The baseline of the HTTP benchmarks: a bare Fastify hello-world, the same Fastify version as the app, no
// plugins, no logging. Prints {"port":N} once listening; exits on SIGTERM.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
