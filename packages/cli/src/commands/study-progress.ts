// Progress of a running study on stderr: a bar for the study and one per active run on a terminal,
// one line per finished run otherwise. Silent when disabled (--json).
import cliProgress from 'cli-progress';
import type { StudyEvent } from '@difflm/study';

export interface StudyProgress {
  onEvent(e: StudyEvent): void;
  stop(): void;
}

export function createStudyProgress(enabled: boolean): StudyProgress {
  if (!enabled) return { onEvent: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) {
    return {
      onEvent(e) {
        if (e.type === 'study-start') process.stderr.write(`${e.total} runs: ${e.done} already done, ${e.pending} to run\n`);
        else if (e.type === 'run-done') process.stderr.write(`done   ${e.runId} ${e.label} train ELBO (EMA) ${e.finalLoss.toFixed(4)}${e.heldOutLoss !== undefined ? `, held-out ELBO ${e.heldOutLoss.toFixed(4)}` : ''}\n`);
        else if (e.type === 'run-retry') process.stderr.write(`retry  ${e.runId} ${e.label} (attempt ${e.attempt} failed: ${e.error.split('\n')[0]})\n`);
        else if (e.type === 'run-failed') process.stderr.write(`FAILED ${e.runId} ${e.label}: ${e.error.split('\n')[0]}\n`);
      },
      stop() {},
    };
  }
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
        if (e.type === 'run-failed') multi.log(`FAILED ${e.label}: ${e.error.split('\n')[0]}\n`);
      } else if (e.type === 'run-retry') multi.log(`retry ${e.label}: ${e.error.split('\n')[0]}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
