// Entry point of a run process: a child of the local runner or of a distributed worker. It trains one
// run at a time with the executor named in each message and reports progress and the result over IPC.
// When its parent dies the IPC channel closes and the process exits.
import { loadExecutor } from './executor-ref.js';
import { writeRunResultFile } from './run-result-file.js';
import type { RunExecutor } from './run-executor.js';
import type { FromRunProcess, ToRunProcess } from './worker-messages.js';

const executors = new Map<string, Promise<RunExecutor>>();
// A parent that died leaves a closed channel: a send then fails (EPIPE) and, without a callback, would be an
// unhandled 'error' event. The callback takes the error; an orphan has nobody to report to and exits (its run
// resumes from its last checkpoint when the study or worker runs again).
const orphaned = (): never => process.exit(0);
const send = (m: FromRunProcess): void => {
  if (!process.connected || !process.send) return orphaned();
  try {
    process.send(m, undefined, {}, (err) => { if (err) orphaned(); });
  } catch {
    orphaned();
  }
};

process.on('message', (raw: unknown) => {
  const msg = raw as ToRunProcess;
  if (msg.type !== 'run') return;
  void (async () => {
    try {
      const key = JSON.stringify(msg.executor);
      if (!executors.has(key)) executors.set(key, loadExecutor(msg.executor));
      const executor = await executors.get(key)!;
      const result = await executor.run(msg.config, {
        runId: msg.runId,
        runDir: msg.runDir,
        onProgress: (progress) => send({ type: 'progress', runId: msg.runId, progress }),
      });
      writeRunResultFile(msg.runDir, result);
      send({ type: 'result', runId: msg.runId, result });
    } catch (e) {
      send({ type: 'error', runId: msg.runId, message: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
