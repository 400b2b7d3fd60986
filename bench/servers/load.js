// A load generator in its own process, so that making requests does not take CPU from the server it measures.
// It reads a JSON spec from the file named by LOAD_SPEC:
//   { url, method, connections, rate, expect, requests: [{ headers, body }] }
// and sends every request once, in order, over `connections` keep-alive sockets.
// - rate > 0: open loop. Request i is due at start + i / rate seconds, whether or not earlier ones were answered
//   (arrivals evenly spaced, as many independent callers make them). Its latency counts from when it was due,
//   so time spent waiting for a free socket counts too (no coordinated omission).
// - rate = 0: closed loop. Each connection sends its next request when the last one is answered: the most the
//   server can take with that many callers.
// Prints one JSON line: { sent, ok, unexpected, errors, firstUnexpected, seconds, latencies } (latencies in ms,
// one per answered request, in the order answered).
import fs from 'node:fs';
import http from 'node:http';

const spec = JSON.parse(fs.readFileSync(process.env.LOAD_SPEC ?? '', 'utf8'));
const target = new URL(spec.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
const latencies = [];
let ok = 0;
let unexpected = 0;
let errors = 0;
let firstUnexpected;

function send(request, dueAt) {
  return new Promise((resolve) => {
    const body = Buffer.from(request.body ?? '');
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: spec.method ?? 'GET',
        headers: { ...request.headers, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          latencies.push(performance.now() - dueAt);
          if (res.statusCode === spec.expect) ok++;
          else {
            unexpected++;
            firstUnexpected ??= `${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`;
          }
          resolve();
        });
      },
    );
    req.on('error', (err) => {
      errors++;
      firstUnexpected ??= String(err);
      resolve();
    });
    req.end(body);
  });
}

const requests = spec.requests;
const started = performance.now();
if (spec.rate > 0) {
  const pending = [];
  const interval = 1000 / spec.rate;
  for (let i = 0; i < requests.length; ) {
    const now = performance.now();
    // Everything due by now goes out (a late timer must not thin the arrivals).
    while (i < requests.length && started + i * interval <= now) {
      pending.push(send(requests[i], started + i * interval));
      i++;
    }
    if (i < requests.length) await new Promise((r) => setTimeout(r, Math.max(0, started + i * interval - performance.now())));
  }
  await Promise.all(pending);
} else {
  let next = 0;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (next < requests.length) {
        const request = requests[next++];
        await send(request, performance.now());
      }
    }),
  );
}
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify({ sent: requests.length, ok, unexpected, errors, firstUnexpected, seconds, latencies })}\n`);
