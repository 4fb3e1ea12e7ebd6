/**
 * The page in a real browser: Debian's chromium driven by playwright-core (no browser download), with
 * fake media devices — the microphone plays demo/stream.wav, the camera shows demo/person.png.
 * Without chromium these tests are skipped (the test name says how to install it); with CI=true a
 * missing chromium fails.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measure } from '../../host/energy/measure.js';
import { energyOf } from '../../host/energy/model.js';
import { repoPath } from '../../host/paths.js';
import { createVwwClassifier, softmaxAt } from '../../host/vision/classifier.js';
import { decodeImageFile, type RgbImage } from '../../host/vision/decode.js';
import { preprocessVwwFrame } from '../../host/vision/normalize.js';
import { startServer, type RunningServer } from '../../host/web/server.js';

const INSTALL = 'apt-get install -y chromium';
const chromium = [process.env['AONCIM_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
const YEAR = 365 * 86_400;

/** demo/person.png as a one-frame Y4M at twice its size (so 4:2:0 chroma loses nothing), BT.601 limited range. */
function y4mOf(img: RgbImage): Buffer {
  const w = img.width * 2;
  const h = img.height * 2;
  const y = Buffer.alloc(w * h);
  const u = Buffer.alloc((w / 2) * (h / 2));
  const v = Buffer.alloc((w / 2) * (h / 2));
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  for (let r = 0; r < img.height; r++) {
    for (let c = 0; c < img.width; c++) {
      const i = 3 * (r * img.width + c);
      const [R, G, B] = [img.rgb[i]!, img.rgb[i + 1]!, img.rgb[i + 2]!];
      const Y = clamp(16 + (65.481 * R + 128.553 * G + 24.966 * B) / 255);
      for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) y[(2 * r + dr) * w + 2 * c + dc] = Y;
      u[r * img.width + c] = clamp(128 + (-37.797 * R - 74.203 * G + 112 * B) / 255);
      v[r * img.width + c] = clamp(128 + (112 * R - 93.786 * G - 18.214 * B) / 255);
    }
  }
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, u, v]);
}

const data = <T>(page: Page, selector: string, key: string) => page.locator(selector).getAttribute(`data-${key}`) as Promise<T>;

if (!chromium) {
  describe('the web page in chromium', () => {
    it(`chromium not found: the browser tests need it — install it with: ${INSTALL}`, (ctx) => {
      if (process.env['CI'] === 'true') throw new Error(`CI=true and chromium is missing: ${INSTALL}`);
      ctx.skip();
    });
  });
} else {
  describe('the web page in chromium', () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-web-'));
    const log: string[] = [];

    beforeAll(async () => {
      const { chromium: pw } = await import('playwright-core');
      const video = join(dir, 'person.y4m');
      writeFileSync(video, y4mOf(decodeImageFile(repoPath('demo', 'person.png'))));
      server = await startServer({ port: 0, host: '127.0.0.1' });
      browser = await pw.launch({
        executablePath: chromium,
        args: [
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${repoPath('demo', 'stream.wav')}%noloop`,
          `--use-file-for-fake-video-capture=${video}`,
          '--autoplay-policy=no-user-gesture-required',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (log.length) console.log(`browser console:\n${log.join('\n')}`);
    });

    it('?autostart=1 hears the demo stream: yes, stop, go in order, in their clips, and not "backward"', async () => {
      await page.goto(`${server.url}?autostart=1`);
      // The stream plays in real time (10.6 s); the worker may lag behind on a busy machine.
      await page.waitForFunction(() => Number(document.getElementById('kws-time')?.dataset['endS'] ?? 0) >= 10.5, null, { timeout: 240_000, polling: 500 });
      const detections = await page.locator('.detection').evaluateAll((els) =>
        els.map((e) => ({ keyword: (e as HTMLElement).dataset['keyword'], timeS: Number((e as HTMLElement).dataset['timeS']), score: Number((e as HTMLElement).dataset['score']) })),
      );
      // What `aon-cim kws demo/stream.wav --stream` prints: yes 1.9 s, stop 7.0 s, go 9.3 s.
      expect(detections.map((d) => d.keyword)).toEqual(['yes', 'stop', 'go']);
      // demo/README.md: correct = after the clip's start, at most 1 s after its end (+ 0.5 s for the capture's start).
      const clips = { yes: 1.2, stop: 6.054, go: 8.342 } as Record<string, number>;
      for (const d of detections) {
        expect(d.timeS).toBeGreaterThan(clips[d.keyword!]!);
        expect(d.timeS).toBeLessThan(clips[d.keyword!]! + 2.5);
        expect(d.score).toBeGreaterThanOrEqual(0.7);
      }
      const bars = await page.locator('.bar-fill[data-score]').count();
      expect(bars).toBe(12);
      expect(Number(await data(page, '#meter-kws', 'inferences'))).toBeGreaterThanOrEqual(90);
    }, 300_000);

    it('the camera shows the person frame and the page says person', async () => {
      await page.waitForSelector('#camera-result[data-person]', { timeout: 120_000 });
      expect(await data(page, '#camera-result', 'person')).toBe('true');
      expect(Number(await data(page, '#camera-result', 'score'))).toBeGreaterThan(0.5);
      await page.click('#cam-stop');
    }, 150_000);

    it('a picked image scores as `aon-cim vww` does, and the meter shows the µJ of `aon-cim energy` for it', async () => {
      await page.setInputFiles('#file', repoPath('demo', 'person.png'));
      await page.waitForSelector('.vww-result[data-source="file"]', { timeout: 120_000 });
      const score = Number(await data(page, '#file-result', 'score'));
      const uJ = Number(await data(page, '#meter-vww', 'uj-per-inference'));
      // The CLI's path in this process: shipped full-8, paper preset, seed 0, GDC, read at 25 s.
      const classifier = await createVwwClassifier({ driftS: 25, preset: 'paper', seed: 0, gdc: true });
      const cli = classifier.classify(preprocessVwwFrame(decodeImageFile(repoPath('demo', 'person.png'))));
      expect(score).toBeCloseTo(softmaxAt(cli.scores, 1), 6);
      expect(await data(page, '#file-result', 'person')).toBe('true');
      const m = await measure({ model: 'vww', bits: 8, input: repoPath('demo', 'person.png') });
      const energyUj = energyOf(m.counters, { mode: 'measured' }).total.energyUj;
      expect(uJ).toBeCloseTo(energyUj, 3);
      expect(Number(await data(page, '#meter-vww', 'uj-full-scale'))).toBeCloseTo(energyOf(m.counters, { mode: 'fullScale' }).total.energyUj, 3);
      // and as text, rounded as `aon-cim energy` prints it
      expect(await page.locator('#vww-uj').textContent()).toBe(`${energyUj.toFixed(3)} µJ`);
    }, 150_000);

    it('moving the drift slider to 1 y re-reads the chip and changes the scores', async () => {
      const before = await data<string>(page, '#file-result', 'score');
      await page.locator('#drift').evaluate((el: HTMLInputElement) => {
        el.value = el.max;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.waitForFunction((y) => Number(document.getElementById('file-result')?.dataset['driftS']) === y, YEAR, { timeout: 120_000 });
      const after = await data<string>(page, '#file-result', 'score');
      expect(after).not.toBe(before);
      expect(await page.locator('#drift-label').textContent()).toBe('1 y');
      expect(await page.locator('#figure7-kws svg').count()).toBe(1);
      expect(await page.locator('#figure8 svg').count()).toBe(1);
      expect(Number(await data(page, '#expected', 'kws-accuracy'))).toBeGreaterThan(0.5);
      const shot = join(dir, 'page.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${shot}`);
    }, 150_000);

    it('a file that is no image, and a corrupt PNG, get a clear message', async () => {
      await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, not an image') });
      await expect.poll(() => page.locator('#vww-message').textContent()).toBe('notes.txt: not a PNG or JPEG image (it starts with bytes 68 65 6c 6c).');
      const corrupt = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage')]);
      await page.setInputFiles('#file', { name: 'broken.png', mimeType: 'image/png', buffer: corrupt });
      await expect.poll(() => page.locator('#vww-message').textContent()).toBe('broken.png: the image is corrupt or truncated: the browser cannot decode it.');
    }, 60_000);

    it('a denied microphone and camera get a clear message', async () => {
      const ctx = await browser.newContext();
      // Without --use-fake-ui-for-media-stream's grant in this context: deny both.
      const p = await ctx.newPage();
      await p.goto(server.url);
      const cdp = await ctx.newCDPSession(p);
      await cdp.send('Browser.setPermission', { permission: { name: 'audioCapture' }, setting: 'denied', origin: new URL(server.url).origin });
      await cdp.send('Browser.setPermission', { permission: { name: 'videoCapture' }, setting: 'denied', origin: new URL(server.url).origin });
      await p.click('#mic-start');
      await expect.poll(() => p.locator('#kws-message').textContent()).toContain('Microphone access was denied');
      await p.click('#cam-start');
      await expect.poll(() => p.locator('#vww-message').textContent()).toContain('Camera access was denied');
      await ctx.close();
    }, 60_000);
  });

  describe('the web page in chromium without media devices', () => {
    it('says that there is no camera and no microphone', async () => {
      const { chromium: pw } = await import('playwright-core');
      const server = await startServer({ port: 0, host: '127.0.0.1' });
      const browser = await pw.launch({ executablePath: chromium, args: ['--use-fake-ui-for-media-stream'] });
      try {
        const p = await browser.newPage();
        await p.goto(server.url);
        await p.click('#cam-start');
        await expect.poll(() => p.locator('#vww-message').textContent(), { timeout: 30_000 }).toBe('No camera found. Pick an image file instead.');
        await p.click('#mic-start');
        await expect.poll(() => p.locator('#kws-message').textContent(), { timeout: 30_000 }).toBe('No microphone found. Connect one, then press Start again.');
      } finally {
        await browser.close();
        await server.close();
      }
    }, 120_000);
  });
}
