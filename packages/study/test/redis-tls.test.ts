// rediss:// (TLS): a redis-server with the self-signed test certificate in fixtures/ (a throwaway key
// for 127.0.0.1 only, valid for 100 years; made with `openssl req -x509 -newkey rsa:2048 -nodes
// -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 36500`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis, redisOptionsFromUrl } from '../src/redis-connection.js';
import { freePort } from './redis-server.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const certFile = join(fixtures, 'redis-test-cert.pem');
const keyFile = join(fixtures, 'redis-test-key.pem');
let server: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) throw new Error('redis-server is not installed; the TLS test needs it: apt-get install redis-server');
  port = await freePort();
  server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', certFile, '--tls-key-file', keyFile, '--tls-ca-cert-file', certFile, '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const ca = readFileSync(certFile);
  for (let i = 0; ; i++) {
    try { await checkRedis(`rediss://127.0.0.1:${port}`, 1000, { tls: { ca } }); break; } catch (e) { if (i > 50) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
});
afterAll(() => {
  server?.kill('SIGKILL');
});

describe('rediss:// (TLS)', () => {
  it('queues jobs over TLS with the CA given; an untrusted certificate is refused', async () => {
    const url = `rediss://127.0.0.1:${port}`;
    const ca = readFileSync(certFile);
    const q = new Queue('tls-check', { connection: redisOptionsFromUrl(url, { tls: { ca } }) });
    await q.add('x', { n: 1 }, { jobId: 'j1' });
    expect(await q.getJobCounts('waiting')).toEqual({ waiting: 1 });
    await q.close();
    await expect(checkRedis(url, 2000)).rejects.toThrow(/cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+: .*(self[- ]signed|certificate)/i);
    await expect(checkRedis(`redis://127.0.0.1:${port}`, 1000)).rejects.toThrow(/cannot reach Redis/); // plain text to a TLS port
  });
});
