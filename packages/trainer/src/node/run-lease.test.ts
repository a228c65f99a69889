import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLease, OWNER_FILE } from './run-lease.js';

const tmp = mkdtempSync(join(tmpdir(), 'difflm-lease-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
let n = 0;
const dir = (): string => { const d = join(tmp, `run-${n++}`); spawnSync('mkdir', ['-p', d]); return d; };
const owner = (d: string, o: { host?: string; pid?: number; until: number; token?: string }) =>
  writeFileSync(join(d, OWNER_FILE), JSON.stringify({ token: o.token ?? 'other', host: o.host ?? hostname(), pid: o.pid ?? process.ppid, until: o.until }));

describe('run directory lease', () => {
  it('refuses a directory another live process holds, naming it; takes one whose lease ran out or whose owner died on this host', () => {
    const live = dir();
    owner(live, { until: Date.now() + 60_000 });
    expect(() => acquireRunLease(live)).toThrow(new RegExp(`is being trained by ${hostname()}:${process.ppid} \\(its lease runs until .*\\): wait for that process`));
    const remote = dir();
    owner(remote, { host: 'elsewhere', pid: 1, until: Date.now() + 60_000 });
    expect(() => acquireRunLease(remote)).toThrow(/is being trained by elsewhere:1/);
    const expired = dir();
    owner(expired, { host: 'elsewhere', pid: 1, until: Date.now() - 1 });
    acquireRunLease(expired).release();
    const dead = dir();
    owner(dead, { pid: deadPid(), until: Date.now() + 60_000 });
    const lease = acquireRunLease(dead);
    expect(JSON.parse(readFileSync(join(dead, OWNER_FILE), 'utf8'))).toMatchObject({ host: hostname(), pid: process.pid });
    lease.check();
    lease.release();
    expect(existsSync(join(dead, OWNER_FILE))).toBe(false);
    const damaged = dir();
    writeFileSync(join(damaged, OWNER_FILE), '{"tok');
    acquireRunLease(damaged).release();
  });

  it('an owner that lost the directory (another token, or no file) stops at its next check and does not remove the new owner', () => {
    const d = dir();
    const lease = acquireRunLease(d, { leaseMs: 60_000 });
    owner(d, { token: 'taker', host: 'b-host', pid: 42, until: Date.now() + 60_000 });
    expect(() => lease.check()).toThrow(/lost the run directory .* to b-host:42: another process took it over while this one was stalled past its lease; stopping without writing more/);
    expect(() => lease.check()).toThrow(/lost the run directory/);
    lease.release();
    expect(JSON.parse(readFileSync(join(d, OWNER_FILE), 'utf8')).token).toBe('taker');
    const gone = dir();
    const l2 = acquireRunLease(gone);
    rmSync(join(gone, OWNER_FILE));
    expect(() => l2.check()).toThrow(/lost the run directory/);
  });

  it('renews the lease as it goes, and retakes its own expired lease when nobody took it (a ^Z and fg)', () => {
    let t = 1_000_000;
    const d = dir();
    const lease = acquireRunLease(d, { leaseMs: 1000, now: () => t });
    const until = () => (JSON.parse(readFileSync(join(d, OWNER_FILE), 'utf8')) as { until: number }).until;
    expect(until()).toBe(1_001_000);
    t += 600;
    lease.check();
    expect(until()).toBe(1_001_600);
    t += 5000; // stalled past the lease, nobody came
    lease.check();
    expect(until()).toBe(1_006_600);
    lease.release();
  });
});
