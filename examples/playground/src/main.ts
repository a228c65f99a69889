// The page: load the runs named by ?runs= (exported directories, relative to the page; default runs/masked and
// runs/uniform), one panel per run side by side, and show each generation step by step.
import type { GenerateStep } from '@difflm/noise';
import { loadRun, sampleRun, startBackend, type LoadedRun, type SampleOptions } from './playground.js';

interface Frame { readonly evaluation: number; readonly tokens: Int32Array }

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const runDirs = (params.get('runs') ?? 'runs/masked,runs/uniform').split(',').filter(Boolean);

function tokenSpans(run: LoadedRun, tokens: Int32Array, previous: Int32Array | null, promptLength: number): DocumentFragment {
  const out = document.createDocumentFragment();
  tokens.forEach((t, j) => {
    const span = document.createElement('span');
    span.className = 'tok';
    span.dataset.id = String(t);
    if (j < promptLength) span.classList.add('prompt');
    if (run.maskId !== null && t === run.maskId) { span.classList.add('noise'); span.textContent = '▯'; }
    else if (run.padId !== null && t === run.padId) { span.classList.add('pad'); span.textContent = '·'; }
    else span.textContent = run.tokenizer.decode([t]);
    if (previous && previous[j] !== t) span.classList.add('new');
    out.appendChild(span);
  });
  return out;
}

function panelFor(run: LoadedRun, index: number): { show(frames: Frame[], promptLength: number, length: number): void } {
  const el = document.createElement('div');
  el.className = 'panel';
  el.id = `panel-${index}`;
  el.innerHTML = '<h2></h2><div class="meta"></div><div class="frame"><input type="range" min="0" max="0" value="0"><span class="label"></span></div><div class="sequence"></div>';
  el.querySelector('h2')!.textContent = run.name;
  el.querySelector('.meta')!.textContent = `${run.noise} · step ${run.step} · ${run.seqLen} tokens of context`;
  $('panels').appendChild(el);
  const slider = el.querySelector('input')!, label = el.querySelector('.label')!, seq = el.querySelector<HTMLElement>('.sequence')!;
  let frames: Frame[] = [], prompt = 0, len = 0;
  const render = (i: number) => {
    const f = frames[i]!;
    seq.replaceChildren(tokenSpans(run, f.tokens, i > 0 ? frames[i - 1]!.tokens : null, prompt));
    label.textContent = i === frames.length - 1 ? `final (${f.evaluation} model calls)` : `step ${f.evaluation}`;
  };
  slider.addEventListener('input', () => render(Number(slider.value)));
  return {
    show(fs, promptLength, length) {
      frames = fs; prompt = promptLength; len = length;
      slider.max = String(frames.length - 1);
      slider.value = slider.max;
      render(frames.length - 1);
      seq.dataset.tokens = JSON.stringify(Array.from(frames[frames.length - 1]!.tokens.subarray(0, len)));
    },
  };
}

async function main(): Promise<void> {
  const backend = await startBackend(params.get('backend') ?? undefined);
  const runs = await Promise.all(runDirs.map((d) => loadRun(d)));
  const panels = runs.map((r, i) => panelFor(r, i));
  const options = (): SampleOptions => ({
    prompt: $<HTMLInputElement>('prompt').value, sampler: $<HTMLSelectElement>('sampler').value, steps: Number($<HTMLInputElement>('steps').value) || undefined,
    temperature: Number($<HTMLInputElement>('temperature').value), seed: Number($<HTMLInputElement>('seed').value), numSamples: 1,
  });
  const run = async (o: SampleOptions): Promise<number[][]> => {
    const out: number[][] = [];
    for (const [i, r] of runs.entries()) {
      const frames: Frame[] = [];
      const { rows, promptLength, length } = await sampleRun(r, o, (e: GenerateStep) => { frames.push({ evaluation: e.evaluation, tokens: e.z.slice(0, e.z.length / o.numSamples) }); });
      panels[i]!.show(frames, promptLength, length);
      out.push(Array.from(rows[0]!));
    }
    return out;
  };
  const button = $<HTMLButtonElement>('generate');
  button.addEventListener('click', async () => {
    button.disabled = true;
    $('status').textContent = 'generating…';
    const t0 = performance.now();
    try { await run(options()); $('status').textContent = `done in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${backend}`; }
    catch (e) { $('status').textContent = `error: ${(e as Error).message}`; console.error(e); }
    finally { button.disabled = false; }
  });
  (window as unknown as { difflmPlayground: unknown }).difflmPlayground = { backend, runs: runs.map((r) => ({ name: r.name, noise: r.noise, step: r.step })), generate: run };
  $('status').textContent = `${runs.length} run(s) loaded on ${backend}`;
  button.disabled = false;
  document.body.dataset.ready = 'true';
}

main().catch((e) => { $('status').textContent = `error: ${(e as Error).message}`; document.body.dataset.ready = 'error'; console.error(e); });
