// rediss:// (TLS): a redis-server with a self-signed certificate made here by openssl.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis, redisOptionsFromUrl } from '../src/redis-connection.js';
import { freePort } from './redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-redis-tls-'));
let server: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  for (const tool of ['redis-server', 'openssl']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed; the TLS test needs it: apt-get install ${tool}`);
  }
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  if (cert.status !== 0) throw new Error(`openssl failed: ${cert.stderr.toString()}`);
  port = await freePort();
  server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'), '--tls-ca-cert-file', join(dir, 'cert.pem'), '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const ca = readFileSync(join(dir, 'cert.pem'));
  for (let i = 0; ; i++) {
    try { await checkRedis(`rediss://127.0.0.1:${port}`, 1000, { tls: { ca } }); break; } catch (e) { if (i > 50) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
});
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('rediss:// (TLS)', () => {
  it('queues jobs over TLS with the CA given; an untrusted certificate is refused', async () => {
    const url = `rediss://127.0.0.1:${port}`;
    const ca = readFileSync(join(dir, 'cert.pem'));
    const q = new Queue('tls-check', { connection: redisOptionsFromUrl(url, { tls: { ca } }) });
    await q.add('x', { n: 1 }, { jobId: 'j1' });
    expect(await q.getJobCounts('waiting')).toEqual({ waiting: 1 });
    await q.close();
    await expect(checkRedis(url, 2000)).rejects.toThrow(/cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+: .*(self[- ]signed|certificate)/i);
    await expect(checkRedis(`redis://127.0.0.1:${port}`, 1000)).rejects.toThrow(/cannot reach Redis/); // plain text to a TLS port
  });
});
