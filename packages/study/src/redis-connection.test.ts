import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRedis, redisOptionsFromUrl } from './redis-connection.js';

describe('Redis URLs', () => {
  it('passes user, password, db and TLS (rediss://) to ioredis', () => {
    expect(redisOptionsFromUrl('redis://:s%40cret@10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, db: 2, password: 's@cret', maxRetriesPerRequest: null });
    const tls = redisOptionsFromUrl('rediss://alice:pw@cache.example.com');
    expect(tls).toMatchObject({ host: 'cache.example.com', port: 6379, username: 'alice', password: 'pw', tls: { servername: 'cache.example.com' } });
    expect(() => redisOptionsFromUrl('http://x')).toThrow(/unsupported scheme "http:"/);
    expect(() => redisOptionsFromUrl('localhost:6379')).toThrow(/unsupported scheme|not a URL/);
  });

  it('never echoes a password in an error, and takes one from the environment or a file', () => {
    for (const bad of ['redis://:hunter2@host:notaport', 'redis://bob:hunter2@[bad', 'http://bob:hunter2@host', 'redis://:hunter2@host/abc']) {
      let message = '';
      try { redisOptionsFromUrl(bad, {}, {}); } catch (e) { message = (e as Error).message; }
      expect(message, bad).toMatch(/^--redis: /);
      expect(message, bad).not.toContain('hunter2');
    }
    expect(redisOptionsFromUrl('redis://host', {}, { DIFFLM_REDIS_PASSWORD: 'from-env' }).password).toBe('from-env');
    const file = join(mkdtempSync(join(tmpdir(), 'difflm-redis-')), 'pw');
    writeFileSync(file, 'from-file\n');
    expect(redisOptionsFromUrl('redis://host', {}, { DIFFLM_REDIS_PASSWORD_FILE: file }).password).toBe('from-file');
    expect(redisOptionsFromUrl('redis://:in-url@host', {}, { DIFFLM_REDIS_PASSWORD: 'from-env' }).password).toBe('in-url');
    expect(() => redisOptionsFromUrl('redis://host', {}, { DIFFLM_REDIS_PASSWORD_FILE: '/no/such/file' })).toThrow(/DIFFLM_REDIS_PASSWORD_FILE: cannot read \/no\/such\/file \(ENOENT\)/);
  });

  it('an unreachable Redis is a clear, fast error', async () => {
    // A port with nothing listening: bind one, then close it.
    const port = await new Promise<number>((res) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });
    const t0 = Date.now();
    await expect(checkRedis(`redis://127.0.0.1:${port}`, 2000)).rejects.toThrow(new RegExp(`cannot reach Redis at redis://127.0.0.1:${port}: .*apt-get install redis-server`));
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
