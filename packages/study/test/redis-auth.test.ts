// Password-protected Redis: the URL's password reaches ioredis; a wrong one is a clear error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { checkRedis, redisOptionsFromUrl } from '../src/redis-connection.js';
import { startRedis, type RedisHandle } from './redis-server.js';

let redis: RedisHandle;
beforeAll(async () => { redis = await startRedis({ password: 's3cret/pw' }); });
afterAll(async () => { await redis?.stop(); });

describe('Redis with a password', () => {
  it('connects with the password from the URL and refuses a wrong one', async () => {
    await expect(checkRedis(redis.url)).resolves.toBeUndefined();
    const q = new Queue('auth-check', { connection: redisOptionsFromUrl(redis.url) });
    await q.add('x', { n: 1 }, { jobId: 'j1' });
    expect(await q.getJobCounts('waiting')).toEqual({ waiting: 1 });
    await q.close();
    await expect(checkRedis(`redis://:wrong@127.0.0.1:${redis.port}`)).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:\d+ refused the connection: WRONGPASS.*Put the right password in the URL/);
    await expect(checkRedis(`redis://127.0.0.1:${redis.port}`)).rejects.toThrow(/refused the connection: NOAUTH/);
  });
});
