// Fault injection for the kill tests (packages/integration, corpus-kill.test.ts): DIFFLM_FAULT_KILL_AT =
// "<event>:<name>:<n>" kills this process with SIGKILL at the n-th <event> on a path whose last part contains
// <name>. The events of corpus preparation: `shard` (a shard file written), `partial` (the temporary directory
// complete, not yet renamed into place), `placed` (renamed into place), `lock` (a preparation lock taken, before
// the work). Unset, each point costs one comparison. The trainer's run directory has its own events (run-dir.ts).
const fault = (() => {
  const m = /^(shard|partial|placed|lock):([^:]+):(\d+)$/.exec(process.env.DIFFLM_FAULT_KILL_AT ?? '');
  return m ? { event: m[1]!, name: m[2]!, n: Number(m[3]), seen: 0 } : null;
})();

/** Dies here (SIGKILL) when DIFFLM_FAULT_KILL_AT names this event on this path for the n-th time. */
export function faultPoint(event: 'shard' | 'partial' | 'placed' | 'lock', path: string): void {
  if (!fault || fault.event !== event || !path.slice(path.lastIndexOf('/') + 1).includes(fault.name)) return;
  if (++fault.seen === fault.n) process.kill(process.pid, 'SIGKILL');
}
