/**
 * The page: chip controls, microphone → KWS worker, camera and file picker → VWW worker, the energy
 * meter and Figures 7 and 8. Every result is also an element with data-* attributes (for tests and
 * kiosks); `?autostart=1` starts the microphone and the camera without a click.
 *
 * The computing is the host modules, run by web/chip-worker.ts; this file only moves data and draws.
 */
import type { Bits, Preset } from '../host/chip/program.js';
import { figure8, type EnergyReport } from '../host/energy/report.js';
import { accuracySvg, type AccuracyPoint } from '../host/plots/accuracy-svg.js';
import { describeImageStart, MAX_IMAGE_PIXELS, sniffImageFormat } from '../host/vision/image-format.js';
import { rgbFromRgba } from '../host/vision/rgba.js';
import type { ChipSettings, FromWorker, Meter, Task, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- drift time: a log slider from 25 s to 1 y ---------------------------------------------------------

const T_MIN = 25;
const YEAR = 365 * 86_400;
const SLIDER_MAX = 1000;

export function sliderSeconds(v: number): number {
  if (v <= 0) return T_MIN;
  if (v >= SLIDER_MAX) return YEAR;
  return T_MIN * Math.pow(YEAR / T_MIN, v / SLIDER_MAX);
}

function timeLabel(s: number): string {
  const units: Array<[number, string]> = [
    [YEAR, 'y'],
    [30 * 86_400, 'mo'],
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'min'],
  ];
  for (const [u, name] of units) if (s >= u) return `${+(s / u).toFixed(s / u < 10 ? 1 : 0)} ${name}`;
  return `${Math.round(s)} s`;
}

function settingsNow(): ChipSettings {
  const bits = Number((document.querySelector('input[name="bits"]:checked') as HTMLInputElement).value) as Bits;
  return {
    bits,
    preset: $<HTMLSelectElement>('preset').value as Preset,
    gdc: $<HTMLInputElement>('gdc').checked,
    driftS: sliderSeconds(Number($<HTMLInputElement>('drift').value)),
    seed: 0,
  };
}

// ---- workers -------------------------------------------------------------------------------------------

const workers: Record<Task, Worker> = {
  kws: new Worker(new URL('chip-worker.js', import.meta.url), { type: 'module' }),
  vww: new Worker(new URL('chip-worker.js', import.meta.url), { type: 'module' }),
};
const ready: Record<Task, boolean> = { kws: false, vww: false };
const send = (task: Task, m: ToWorker, transfer: Transferable[] = []) => workers[task].postMessage(m, transfer);

function configure(): void {
  const s = settingsNow();
  $('drift-label').textContent = timeLabel(s.driftS);
  $('drift-label').dataset['driftS'] = String(s.driftS);
  document.body.dataset['driftS'] = String(s.driftS);
  for (const task of ['kws', 'vww'] as const) send(task, { type: 'configure', task, settings: s });
  showExpected(s);
}

const statusText: Record<Task, string> = { kws: '', vww: '' };
function onStatus(m: Extract<FromWorker, { type: 'status' }>): void {
  ready[m.task] = m.state === 'ready';
  statusText[m.task] = `${m.task.toUpperCase()}: ${m.message}`;
  const el = $('chip-status');
  el.textContent = `${statusText.kws}\n${statusText.vww}`.trim();
  el.dataset['state'] = ready.kws && ready.vww ? 'ready' : 'programming';
  if (m.state === 'ready' && m.task === 'vww' && lastFile) classifyFile(lastFile);
  if (ready.kws && ready.vww && autostartPending) {
    autostartPending = false;
    void startMic();
    void startCamera();
  }
}

function showMessage(task: Task, text: string | null): void {
  const el = $(task === 'kws' ? 'kws-message' : 'vww-message');
  el.hidden = text === null;
  el.textContent = text ?? '';
}

for (const task of ['kws', 'vww'] as const) {
  workers[task].onmessage = (ev: MessageEvent<FromWorker>) => {
    const m = ev.data;
    if (m.type === 'status') onStatus(m);
    else if (m.type === 'error') showMessage(m.task, `The chip failed: ${m.message}`);
    else if (m.type === 'kws') onKws(m);
    else if (m.type === 'detection') onDetection(m.event);
    else if (m.type === 'vww') onVww(m);
  };
  workers[task].onerror = (e) => showMessage(task, `The chip worker failed to start: ${e.message}`);
}

// ---- energy meter --------------------------------------------------------------------------------------

const totals: Record<Task, { n: number; uJ: number; firstMs: number }> = { kws: { n: 0, uJ: 0, firstMs: 0 }, vww: { n: 0, uJ: 0, firstMs: 0 } };
const reports: Partial<Record<Task, EnergyReport>> = {};

function updateMeter(task: Task, meter: Meter, report: EnergyReport): void {
  const t = totals[task];
  if (t.n === 0) t.firstMs = performance.now();
  t.n++;
  t.uJ += meter.uJ;
  const elapsedS = (performance.now() - t.firstMs) / 1000;
  const pageRate = elapsedS > 0 ? (t.n - 1) / elapsedS : 0;
  $(`${task}-uj`).textContent = `${meter.uJ.toFixed(3)} µJ`;
  $(`${task}-uj-fs`).textContent = `${meter.uJFullScale.toFixed(3)} µJ`;
  $(`${task}-lat`).textContent = `${meter.latencyUs.toFixed(1)} µs`;
  $(`${task}-ips`).textContent = meter.chipInfPerSec.toFixed(0);
  $(`${task}-tw`).textContent = `${meter.topsPerWatt.toFixed(2)} / ${meter.topsPerWattFullScale.toFixed(2)}`;
  $(`${task}-n`).textContent = String(t.n);
  $(`${task}-total`).textContent = `${t.uJ.toFixed(1)} µJ`;
  $(`${task}-emu`).textContent = `${meter.emulationMs.toFixed(1)} ms per inference (${pageRate.toFixed(1)} inferences/s so far)`;
  const d = $(`meter-${task}`).dataset;
  d['ujPerInference'] = String(meter.uJ);
  d['ujFullScale'] = String(meter.uJFullScale);
  d['latencyUs'] = String(meter.latencyUs);
  d['chipInfPerSec'] = String(meter.chipInfPerSec);
  d['topsPerWatt'] = String(meter.topsPerWatt);
  d['inferences'] = String(t.n);
  d['ujTotal'] = String(t.uJ);
  d['emulationMs'] = String(meter.emulationMs);
  d['pageInfPerSec'] = String(pageRate);
  reports[task] = report;
  scheduleFigure8();
}

let figure8Timer: number | null = null;
function scheduleFigure8(): void {
  if (figure8Timer !== null) return;
  figure8Timer = window.setTimeout(() => {
    figure8Timer = null;
    const rs = [reports.kws, reports.vww].filter((r): r is EnergyReport => r !== undefined);
    if (rs.length === 0) return;
    // Both must be at the same bits for one figure; the newest settings win.
    const bits = rs[rs.length - 1]!.bits;
    $('figure8').innerHTML = figure8(rs.filter((r) => r.bits === bits));
  }, 1000);
}

// ---- KWS -----------------------------------------------------------------------------------------------

let bars: { fill: HTMLElement; value: HTMLElement }[] = [];
function onKws(m: Extract<FromWorker, { type: 'kws' }>): void {
  if (bars.length !== m.labels.length) {
    const box = $('kws-bars');
    box.textContent = '';
    bars = m.labels.map((label) => {
      const name = document.createElement('span');
      name.textContent = label;
      const track = document.createElement('div');
      track.className = 'bar-track';
      const fill = document.createElement('div');
      fill.className = 'bar-fill';
      fill.dataset['label'] = label;
      track.append(fill);
      const value = document.createElement('span');
      box.append(name, track, value);
      return { fill, value };
    });
  }
  let top = 0;
  m.scores.forEach((s, i) => {
    if (s > m.scores[top]!) top = i;
    bars[i]!.fill.style.width = `${(100 * s).toFixed(1)}%`;
    bars[i]!.fill.dataset['score'] = String(s);
    bars[i]!.value.textContent = s.toFixed(3);
  });
  bars.forEach((b, i) => b.fill.classList.toggle('top', i === top));
  $('kws-time').textContent = `stream ${m.endS.toFixed(1)} s · top ${m.labels[top]} ${m.scores[top]!.toFixed(3)}`;
  $('kws-time').dataset['endS'] = String(m.endS);
  updateMeter('kws', m.meter, m.report);
}

function onDetection(e: { timeS: number; keyword: string; score: number }): void {
  const li = document.createElement('li');
  li.className = 'detection';
  li.dataset['keyword'] = e.keyword;
  li.dataset['timeS'] = String(e.timeS);
  li.dataset['score'] = String(e.score);
  li.textContent = `${e.timeS.toFixed(2)} s  ${e.keyword}  ${e.score.toFixed(3)}`;
  $('detections').append(li);
}

function mediaMessage(e: unknown, what: 'microphone' | 'camera'): string {
  const name = (e as { name?: string })?.name ?? '';
  const text = (e as Error)?.message ?? String(e);
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return `${what === 'camera' ? 'Camera' : 'Microphone'} access was denied. Allow it for this page in the browser's site settings, then press Start again.`;
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
    return what === 'camera' ? 'No camera found. Pick an image file instead.' : 'No microphone found. Connect one, then press Start again.';
  }
  if (name === 'NotReadableError') return `The ${what} is in use by another program or cannot be read.`;
  return `Cannot start the ${what}: ${text}`;
}

function insecureMessage(what: string): string | null {
  // Outside a secure context navigator.mediaDevices is undefined, whatever the types say.
  if (window.isSecureContext && typeof navigator.mediaDevices?.getUserMedia === 'function') return null;
  return `The browser allows the ${what} only on a secure page: open it as http://127.0.0.1:<port>/ or http://localhost:<port>/ (as "aon-cim serve" prints), not by the machine's network address.`;
}

let mic: { stream: MediaStream; ctx: AudioContext } | null = null;

async function startMic(): Promise<void> {
  if (mic) return;
  showMessage('kws', null);
  const insecure = insecureMessage('microphone');
  if (insecure) {
    showMessage('kws', insecure);
    document.body.dataset['kwsState'] = 'error';
    return;
  }
  document.body.dataset['kwsState'] = 'starting';
  // The audio graph first, then the microphone: no audio is lost while the worklet loads.
  const ctx = new AudioContext();
  let node: AudioWorkletNode;
  try {
    await ctx.audioWorklet.addModule(new URL('capture-worklet.js', import.meta.url));
    node = new AudioWorkletNode(ctx, 'aon-cim-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
  } catch (e) {
    void ctx.close();
    showMessage('kws', `Cannot process audio in this browser: ${(e as Error).message}`);
    document.body.dataset['kwsState'] = 'error';
    return;
  }
  node.port.onmessage = (ev: MessageEvent<{ samples: Float32Array; sampleRate: number }>) =>
    send('kws', { type: 'audio', samples: ev.data.samples, sampleRate: ev.data.sampleRate }, [ev.data.samples.buffer]);
  let stream: MediaStream;
  try {
    // The raw signal: no echo cancellation, noise suppression or automatic gain (the chip's front end has its own gain).
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 } });
  } catch (e) {
    void ctx.close();
    showMessage('kws', mediaMessage(e, 'microphone'));
    document.body.dataset['kwsState'] = 'error';
    return;
  }
  const mute = ctx.createGain();
  mute.gain.value = 0;
  ctx.createMediaStreamSource(stream).connect(node).connect(mute).connect(ctx.destination);
  await ctx.resume().catch(() => {});
  mic = { stream, ctx };
  if (ctx.state !== 'running') showMessage('kws', 'The browser holds the audio until you click on the page.');
  document.addEventListener('click', () => void ctx.resume().then(() => ctx.state === 'running' && showMessage('kws', null)), { once: true });
  stream.getAudioTracks()[0]?.addEventListener('ended', () => {
    stopMic();
    showMessage('kws', 'The microphone stopped (unplugged or taken by another program).');
  });
  $<HTMLButtonElement>('mic-start').disabled = true;
  $<HTMLButtonElement>('mic-stop').disabled = false;
  document.body.dataset['kwsState'] = 'running';
}

function stopMic(): void {
  if (!mic) return;
  mic.stream.getTracks().forEach((t) => t.stop());
  void mic.ctx.close();
  mic = null;
  send('kws', { type: 'end-audio' });
  $<HTMLButtonElement>('mic-start').disabled = false;
  $<HTMLButtonElement>('mic-stop').disabled = true;
  document.body.dataset['kwsState'] = 'idle';
}

// ---- VWW -----------------------------------------------------------------------------------------------

let frameId = 0;
let cameraInFlight = false;
let lastFile: { name: string; width: number; height: number; rgb: Uint8Array } | null = null;

function onVww(m: Extract<FromWorker, { type: 'vww' }>): void {
  if (m.source === 'camera') cameraInFlight = false;
  const cur = $(m.source === 'camera' ? 'camera-result' : 'file-result');
  cur.dataset['person'] = String(m.person);
  cur.dataset['score'] = String(m.score);
  cur.dataset['driftS'] = String(m.driftS);
  cur.textContent = `${m.person ? 'person' : 'no person'} · score ${m.score.toFixed(3)} · ${m.meter.uJ.toFixed(3)} µJ`;
  const li = document.createElement('li');
  li.className = 'vww-result';
  li.dataset['source'] = m.source;
  li.dataset['name'] = m.name;
  li.dataset['person'] = String(m.person);
  li.dataset['score'] = String(m.score);
  li.dataset['uj'] = String(m.meter.uJ);
  li.dataset['driftS'] = String(m.driftS);
  li.textContent = `${m.name} (${m.source}, ${timeLabel(m.driftS)}): ${m.person ? 'person' : 'no person'} ${m.score.toFixed(3)}`;
  const list = $('vww-results');
  list.prepend(li);
  while (list.children.length > 30) list.lastElementChild!.remove();
  updateMeter('vww', m.meter, m.report);
}

function classifyFile(f: NonNullable<typeof lastFile>): void {
  send('vww', { type: 'frame', id: ++frameId, source: 'file', name: f.name, width: f.width, height: f.height, rgb: f.rgb.slice() });
}

async function pickFile(file: Blob, name: string): Promise<void> {
  showMessage('vww', null);
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  // The same check as `aon-cim vww`: by content, never by name.
  if (sniffImageFormat(head) === null) {
    showMessage('vww', `${name}: not a PNG or JPEG image (${describeImageStart(head)}).`);
    return;
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    showMessage('vww', `${name}: the image is corrupt or truncated: the browser cannot decode it.`);
    return;
  }
  if (bitmap.width * bitmap.height > MAX_IMAGE_PIXELS) {
    showMessage('vww', `${name}: ${bitmap.width}×${bitmap.height} is too large for a camera frame (at most ${MAX_IMAGE_PIXELS / 1e6} megapixels).`);
    return;
  }
  const canvas = $<HTMLCanvasElement>('picked');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  g.drawImage(bitmap, 0, 0);
  const { rgb } = rgbFromRgba(bitmap.width, bitmap.height, g.getImageData(0, 0, bitmap.width, bitmap.height).data);
  lastFile = { name, width: bitmap.width, height: bitmap.height, rgb };
  classifyFile(lastFile);
}

let camera: { stream: MediaStream; timer: number } | null = null;
const grab = document.createElement('canvas');

async function startCamera(): Promise<void> {
  if (camera) return;
  showMessage('vww', null);
  const insecure = insecureMessage('camera');
  if (insecure) {
    showMessage('vww', insecure);
    document.body.dataset['vwwState'] = 'error';
    return;
  }
  document.body.dataset['vwwState'] = 'starting';
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true });
  } catch (e) {
    showMessage('vww', mediaMessage(e, 'camera'));
    document.body.dataset['vwwState'] = 'error';
    return;
  }
  const video = $<HTMLVideoElement>('video');
  video.srcObject = stream;
  await video.play().catch(() => {});
  // A few frames per second, never more than one in flight.
  const timer = window.setInterval(() => {
    if (cameraInFlight || !ready.vww || video.videoWidth === 0) return;
    grab.width = video.videoWidth;
    grab.height = video.videoHeight;
    const g = grab.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(video, 0, 0);
    const { rgb } = rgbFromRgba(grab.width, grab.height, g.getImageData(0, 0, grab.width, grab.height).data);
    cameraInFlight = true;
    send('vww', { type: 'frame', id: ++frameId, source: 'camera', name: 'camera', width: grab.width, height: grab.height, rgb }, [rgb.buffer]);
  }, 300);
  camera = { stream, timer };
  stream.getVideoTracks()[0]?.addEventListener('ended', () => {
    stopCamera();
    showMessage('vww', 'The camera stopped (unplugged or taken by another program).');
  });
  $<HTMLButtonElement>('cam-start').disabled = true;
  $<HTMLButtonElement>('cam-stop').disabled = false;
  document.body.dataset['vwwState'] = 'running';
}

function stopCamera(): void {
  if (!camera) return;
  window.clearInterval(camera.timer);
  camera.stream.getTracks().forEach((t) => t.stop());
  camera = null;
  cameraInFlight = false;
  $<HTMLVideoElement>('video').srcObject = null;
  $('camera-result').textContent = 'camera off';
  $<HTMLButtonElement>('cam-start').disabled = false;
  $<HTMLButtonElement>('cam-stop').disabled = true;
  document.body.dataset['vwwState'] = 'idle';
}

// ---- Figure 7 (the CLI's eval tables in docs/results, see web/build.mjs) --------------------------------

interface Figure7 {
  title: string;
  command: string;
  points: AccuracyPoint[];
}
let figure7: Partial<Record<Task, Figure7>> = {};

/** Mean accuracy at (bits, t), linear in log time between the measured times (clamped at the ends). */
function expectedAccuracy(f: Figure7, bits: number, t: number): { mean: number; std: number } | null {
  const pts = f.points.filter((p) => p.bits === bits).sort((a, b) => a.timeS - b.timeS);
  if (pts.length === 0) return null;
  if (t <= pts[0]!.timeS) return pts[0]!;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (t <= b.timeS) {
      const w = (Math.log(t) - Math.log(a.timeS)) / (Math.log(b.timeS) - Math.log(a.timeS));
      return { mean: a.mean + w * (b.mean - a.mean), std: a.std + w * (b.std - a.std) };
    }
  }
  return pts[pts.length - 1]!;
}

function showExpected(s: ChipSettings): void {
  const parts: string[] = [];
  const el = $('expected');
  for (const task of ['kws', 'vww'] as const) {
    const f = figure7[task];
    const e = f ? expectedAccuracy(f, s.bits, s.driftS) : null;
    if (!e) continue;
    parts.push(`${task.toUpperCase()} ${(100 * e.mean).toFixed(1)} ± ${(100 * e.std).toFixed(1)} %`);
    el.dataset[`${task}Accuracy`] = String(e.mean);
  }
  el.textContent = parts.length
    ? `Accuracy on held-out data at ${s.bits} bit, ${timeLabel(s.driftS)} after programming (Figure 7, ${s.preset === 'paper' && s.gdc ? '' : 'measured with the paper preset and GDC; '}interpolated in log time): ${parts.join(', ')}`
    : '';
}

async function loadFigure7(): Promise<void> {
  try {
    const r = await fetch('figure7.json');
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    figure7 = (await r.json()) as Partial<Record<Task, Figure7>>;
  } catch (e) {
    $('figure7-kws').textContent = `Figure 7 data is missing (${(e as Error).message}).`;
    return;
  }
  for (const task of ['kws', 'vww'] as const) {
    const f = figure7[task];
    if (!f) continue;
    const fig = $(`figure7-${task}`);
    fig.innerHTML = accuracySvg({ title: f.title, baseline: null, points: f.points });
    const cap = document.createElement('figcaption');
    cap.textContent = `Figure 7 (${task.toUpperCase()}) from docs/results: ${f.command}`;
    fig.append(cap);
  }
  showExpected(settingsNow());
}

// ---- wiring --------------------------------------------------------------------------------------------

let autostartPending = new URLSearchParams(location.search).get('autostart') === '1';

$('mic-start').addEventListener('click', () => void startMic());
$('mic-stop').addEventListener('click', stopMic);
$('cam-start').addEventListener('click', () => void startCamera());
$('cam-stop').addEventListener('click', stopCamera);
$<HTMLInputElement>('file').addEventListener('change', (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) void pickFile(f, f.name);
});
for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-demo]')) {
  b.addEventListener('click', async () => {
    const path = b.dataset['demo']!;
    const r = await fetch(path);
    if (!r.ok) return showMessage('vww', `${path}: HTTP ${r.status}`);
    await pickFile(await r.blob(), path);
  });
}
// Drift: the label follows the thumb; the chip is re-read when the thumb is let go (and on keys).
$('drift').addEventListener('input', () => ($('drift-label').textContent = timeLabel(sliderSeconds(Number($<HTMLInputElement>('drift').value)))));
$('drift').addEventListener('change', configure);
for (const el of document.querySelectorAll('input[name="bits"], #preset, #gdc')) el.addEventListener('change', configure);

configure();
void loadFigure7();
