/**
 * The core PDF printer on the real system Chromium: page sizes (exact box or the document's `@page`), a
 * bounded page pool under many concurrent prints, no network (a local server sees no request from a document
 * that points at it), relaunch after the browser dies, refusal after close. Text is read back with
 * `pdftotext` when poppler-utils is installed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumMissingError, PdfPrinter, allowedRequest, cropPageBoxes, mmToPt } from './pdf-printer.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = new PdfPrinter({ chromiumPath: CHROMIUM }).available();

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function pdftotext(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-printer-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every page's MediaBox as [x0, y0, x1, y1]. */
function mediaBoxes(pdf: Buffer): number[][] {
  return [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[([^\]]+)\]/g)].map((m) => (m[1] as string).trim().split(/\s+/).map(Number));
}

const doc = (body: string, head = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}<style>@page{margin:0}body{margin:0}</style></head><body>${body}</body></html>`;

describe('cropPageBoxes', () => {
  it('crops a box Chromium rounded up to the exact size, top-left anchored, same length', () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <</MediaBox [0 0 242.880005 154.080002]>> endobj\n', 'latin1');
    const out = cropPageBoxes(pdf, mmToPt(85.6), mmToPt(53.98));
    expect(out.length).toBe(pdf.length);
    const [box] = mediaBoxes(out);
    expect(box?.[0]).toBe(0);
    expect((box?.[2] ?? 0) - (box?.[0] ?? 0)).toBeCloseTo(242.646, 2);
    expect((box?.[3] ?? 0) - (box?.[1] ?? 0)).toBeCloseTo(153.014, 2);
    expect(box?.[3]).toBeCloseTo(154.08, 2);
    // Too short to rewrite in place: left as it was, never a broken file.
    const tight = Buffer.from('<</MediaBox [0 0 242.88 154.08]>>', 'latin1');
    expect(cropPageBoxes(tight, mmToPt(85.6), mmToPt(53.98)).equals(tight)).toBe(true);
  });

  it('leaves boxes that are smaller, or far larger, than the target alone', () => {
    const pdf = Buffer.from('<</MediaBox [0 0 100 100]>> <</MediaBox [0 0 612 792]>>', 'latin1');
    expect(cropPageBoxes(pdf, 242.6, 153).equals(pdf)).toBe(true);
  });
});

describe('allowedRequest', () => {
  it('lets only data: URLs and the blank document load', () => {
    expect(allowedRequest(new URL('data:image/png;base64,AAAA'))).toBe(true);
    expect(allowedRequest(new URL('about:blank'))).toBe(true);
    for (const url of ['http://127.0.0.1/x', 'https://example.org/font.woff2', 'file:///etc/passwd', 'ws://127.0.0.1/', 'blob:http://x/1', 'about:srcdoc']) {
      expect(allowedRequest(new URL(url)), url).toBe(false);
    }
  });
});

describe('PdfPrinter without Chromium', () => {
  it('says where Chromium was expected', async () => {
    const printer = new PdfPrinter({ chromiumPath: '/nonexistent/chromium' });
    expect(printer.available()).toBe(false);
    await expect(printer.print(doc('x'))).rejects.toBeInstanceOf(ChromiumMissingError);
    await printer.close();
  });
});

describe.skipIf(!hasChromium)('PdfPrinter (Chromium)', () => {
  let printer: PdfPrinter;
  let server: http.Server;
  let origin = '';
  const hits: string[] = [];

  beforeAll(async () => {
    printer = new PdfPrinter({ chromiumPath: CHROMIUM, pages: 2 });
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('body{background:red}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await printer.warm();
  }, 60_000);
  afterAll(async () => {
    await printer?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('prints at an exact size in millimetres, and at the document’s @page size without one', async () => {
    const card = await printer.print(doc('<p>card</p>'), { widthMm: 85.6, heightMm: 53.98 });
    expect(card.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [box] = mediaBoxes(card);
    expect((box?.[2] ?? 0) - (box?.[0] ?? 0)).toBeCloseTo(mmToPt(85.6), 1);
    expect((box?.[3] ?? 0) - (box?.[1] ?? 0)).toBeCloseTo(mmToPt(53.98), 1);

    const a5 = await printer.print(doc('<p>letter</p>').replace('@page{margin:0}', '@page{size:148mm 210mm;margin:10mm}'));
    const [a5box] = mediaBoxes(a5);
    expect((a5box?.[2] ?? 0) - (a5box?.[0] ?? 0)).toBeCloseTo(mmToPt(148), 0);
    expect((a5box?.[3] ?? 0) - (a5box?.[1] ?? 0)).toBeCloseTo(mmToPt(210), 0);
  });

  it.skipIf(!hasPdftotext())('runs many prints through a pool of 2 pages, each PDF with its own text', async () => {
    const n = 9;
    const pdfs = await Promise.all(Array.from({ length: n }, (_, i) => printer.print(doc(`<p>document number ${i}</p>`), { widthMm: 100, heightMm: 60 })));
    for (const [i, pdf] of pdfs.entries()) expect(pdftotext(pdf)).toContain(`document number ${i}`);
    expect(printer.concurrency).toBe(2);
  });

  it('fetches nothing a document points at: stylesheets, images, fonts, frames, links to prefetch', async () => {
    const before = printer.blockedRequests;
    const html = doc(
      `<img src="${origin}/img.png" alt=""><iframe src="${origin}/frame"></iframe><p style="background:url(${origin}/bg.png)">text</p>`,
      `<link rel="stylesheet" href="${origin}/style.css"><link rel="prefetch" href="${origin}/prefetch"><style>@font-face{font-family:X;src:url(${origin}/font.woff2)}p{font-family:X}</style>`,
    );
    const pdf = await printer.print(html, { widthMm: 100, heightMm: 60 });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(hits).toEqual([]);
    expect(printer.blockedRequests).toBeGreaterThan(before);
  });

  it('launches a new browser when the old one died', async () => {
    const first = await printer.print(doc('<p>before</p>'), { widthMm: 100, heightMm: 60 });
    expect(first.length).toBeGreaterThan(0);
    // Kill the browser from outside, as a crash would.
    const pids = execFileSync('ps', ['-o', 'pid=,ppid=,args=', '-u', String(os.userInfo().uid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((cols) => Number(cols[1]) === process.pid && (cols[2] ?? '').includes('chrom'))
      .map((cols) => Number(cols[0]));
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    let after: Buffer | undefined;
    // The print in flight when it dies may fail; the next one relaunches.
    for (let i = 0; i < 3 && !after; i++) after = await printer.print(doc('<p>after</p>'), { widthMm: 100, heightMm: 60 }).catch(() => undefined);
    expect(after?.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('refuses prints after close, including those waiting for a page', async () => {
    const p = new PdfPrinter({ chromiumPath: CHROMIUM, pages: 1 });
    await p.warm();
    const running = Promise.allSettled([p.print(doc('<p>1</p>')), p.print(doc('<p>2</p>')), p.print(doc('<p>3</p>'))]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await p.close();
    const settled = await running;
    // The print holding the only page may finish or fail; the two waiting for it are refused.
    expect(settled.filter((s) => s.status === 'rejected').length).toBeGreaterThanOrEqual(2);
    await expect(p.print(doc('<p>4</p>'))).rejects.toThrow(/closed/);
  });
});
