// Redis connections for the distributed mode. URLs: redis://[user:password@]host[:port][/db] and
// rediss:// for TLS (ioredis options; a private CA comes from NODE_EXTRA_CA_CERTS or `tls.ca`). `checkRedis` fails fast, with the fix, when Redis is unreachable.
import { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  /** Extra TLS options for rediss:// (e.g. { ca, rejectUnauthorized }). */
  readonly tls?: Record<string, unknown>;
}

/** Connection settings (ioredis options) of a Redis URL. */
export interface RedisSettings {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, unknown>;
  /** BullMQ workers need null (block forever on the queue). */
  maxRetriesPerRequest: null;
}

/** ioredis options for a Redis URL. */
export function redisOptionsFromUrl(url: string, opts: RedisConnectionOptions = {}): RedisSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis: "${url}" is not a URL; use redis://[user:password@]host[:port][/db] or rediss://... for TLS`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`--redis: unsupported scheme "${u.protocol}" in "${url}"; use redis:// or rediss:// (TLS)`);
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`--redis: database "${u.pathname.slice(1)}" in "${url}" must be a non-negative integer`);
  const options: RedisSettings = {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    maxRetriesPerRequest: null,
  };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') options.tls = { servername: u.hostname, ...opts.tls };
  return options;
}

/** Connect once, PING, disconnect. Throws a clear error within timeoutMs when Redis is unreachable. */
export async function checkRedis(url: string, timeoutMs = 3000, opts: RedisConnectionOptions = {}): Promise<void> {
  const options = redisOptionsFromUrl(url, opts);
  const client = new Redis({ ...options, lazyConnect: true, connectTimeout: timeoutMs, disconnectTimeout: 0, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: Error | undefined;
  client.on('error', (e: Error) => { lastError = e; }); // reported below, with the rejected connect()
  const where = `${options.tls ? 'rediss' : 'redis'}://${options.host}:${options.port}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    const why = ((e as Error).message === 'Connection is closed.' && lastError ? lastError : (e as Error)).message.replace(/\.$/, '');
    if (/WRONGPASS|NOAUTH|invalid password|Authentication required/i.test(why)) {
      throw new Error(`Redis at ${where} refused the connection: ${why}. Put the right password in the URL: redis://[user]:<password>@host:port`);
    }
    throw new Error(`cannot reach Redis at ${where}: ${why}. Start one (e.g. \`redis-server\`, installed by \`apt-get install redis-server\`) or fix --redis`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
