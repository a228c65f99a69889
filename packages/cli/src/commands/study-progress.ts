// Progress of a running study on stderr: a bar for the study and one per active run on a terminal,
// one line per finished run otherwise, and every 30 s a line with the runs in flight (logs and CI show that
// a long study is alive and how far it got). Silent when disabled (--json).
import cliProgress from 'cli-progress';
import type { StudyEvent } from '@difflm/study';
import { oneLine } from '../run-cli.js';

export interface StudyProgress {
  onEvent(e: StudyEvent): void;
  stop(): void;
}

export function createStudyProgress(enabled: boolean): StudyProgress {
  if (!enabled) return { onEvent: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) return lineProgress(process.stderr, Date.now, 30_000);
  const multi = new cliProgress.MultiBar({ stream: process.stderr, clearOnComplete: true, hideCursor: true, format: '{name} |{bar}| {value}/{total} {info}' }, cliProgress.Presets.shades_grey);
  let total: cliProgress.SingleBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const endRun = (id: string) => {
    const b = bars.get(id);
    if (b) { multi.remove(b); bars.delete(id); }
  };
  return {
    onEvent(e) {
      if (e.type === 'study-start') total = multi.create(e.total, e.done, { name: 'study'.padEnd(44), info: 'runs' });
      else if (e.type === 'run-start') {
        endRun(e.runId);
        bars.set(e.runId, multi.create(1, 0, { name: e.label.slice(0, 44).padEnd(44), info: '' }));
      } else if (e.type === 'run-progress') {
        const b = bars.get(e.runId);
        b?.setTotal(e.progress.steps);
        b?.update(e.progress.step, { info: `loss ${e.progress.loss.toFixed(3)}${e.progress.tokensPerSec ? ` ${Math.round(e.progress.tokensPerSec)} tok/s` : ''}` });
      } else if (e.type === 'run-done' || e.type === 'run-failed') {
        endRun(e.runId);
        total?.increment(1);
        if (e.type === 'run-failed') multi.log(`FAILED ${e.label}: ${oneLine(e.error)}\n`);
      } else if (e.type === 'run-retry') multi.log(`retry ${e.label}: ${oneLine(e.error)}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

/** Progress as plain lines (stdout or stderr not a terminal): one per finished run, and a status line every `everyMs`. */
export function lineProgress(out: { write(s: string): unknown }, now: () => number, everyMs: number): StudyProgress {
  const active = new Map<string, { label: string; step: number; steps: number; tokensPerSec: number | undefined }>();
  let total = 0, finished = 0, failed = 0, start = now(), last = now();
  const minutes = (ms: number): string => `${(ms / 60_000).toFixed(1)} min`;
  const status = (): void => {
    last = now();
    const runs = [...active.values()].map((r) => `${r.label} ${r.step}/${r.steps} steps${r.tokensPerSec ? ` ${Math.round(r.tokensPerSec)} tok/s` : ''}`);
    out.write(`status ${finished}/${total} runs done${failed ? `, ${failed} failed` : ''} after ${minutes(now() - start)}${runs.length ? ` · running: ${runs.join('; ')}` : ''}\n`);
  };
  return {
    onEvent(e) {
      if (e.type === 'study-start') {
        total = e.total; finished = e.done; start = now(); last = start;
        out.write(`${e.total} runs: ${e.done} already done, ${e.pending} to run\n`);
      } else if (e.type === 'run-start') active.set(e.runId, { label: e.label, step: 0, steps: 0, tokensPerSec: undefined });
      else if (e.type === 'run-progress') {
        const r = active.get(e.runId);
        if (r) { r.step = e.progress.step; r.steps = e.progress.steps; r.tokensPerSec = e.progress.tokensPerSec ?? r.tokensPerSec; }
        if (now() - last >= everyMs) status();
      } else if (e.type === 'run-done') {
        active.delete(e.runId); finished++;
        out.write(`done   [${finished}/${total}] ${e.runId} ${e.label} train ELBO (EMA) ${e.finalLoss.toFixed(4)}${e.heldOutLoss !== undefined ? `, held-out ELBO ${e.heldOutLoss.toFixed(4)}` : ''}\n`);
      } else if (e.type === 'run-retry') out.write(`retry  ${e.runId} ${e.label} (attempt ${e.attempt} failed: ${oneLine(e.error)})\n`);
      else if (e.type === 'run-failed') {
        active.delete(e.runId); failed++;
        out.write(`FAILED ${e.runId} ${e.label}: ${oneLine(e.error)}\n`);
      }
    },
    stop() {},
  };
}
