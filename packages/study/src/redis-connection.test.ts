import { createServer } from 'node:net';
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

  it('an unreachable Redis is a clear, fast error', async () => {
    // A port with nothing listening: bind one, then close it.
    const port = await new Promise<number>((res) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });
    const t0 = Date.now();
    await expect(checkRedis(`redis://127.0.0.1:${port}`, 2000)).rejects.toThrow(new RegExp(`cannot reach Redis at redis://127.0.0.1:${port}: .*apt-get install redis-server`));
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
