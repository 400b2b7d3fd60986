// The baselines of the HTTP benchmarks: a bare Fastify hello-world, the same Fastify version as the app, no
// plugins, no logging. With BASELINE_PAGE (a JSON file: { headers, body } with the body in base64) it also
// answers GET /page with exactly those bytes and headers — the app's home page sent by bare Fastify, so the
// bench can tell what the response itself costs from what the platform adds. Prints {"port":N} once
// listening; exits on SIGTERM.
import fs from 'node:fs';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
if (process.env.BASELINE_PAGE) {
  const page = JSON.parse(fs.readFileSync(process.env.BASELINE_PAGE, 'utf8'));
  const body = Buffer.from(page.body, 'base64');
  app.get('/page', async (_req, reply) => reply.headers(page.headers).send(body));
}
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
