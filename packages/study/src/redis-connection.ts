// Redis connections for the distributed mode. URLs: redis://[user:password@]host[:port][/db] and
// rediss:// for TLS (ioredis options; a private CA comes from NODE_EXTRA_CA_CERTS or `tls.ca`). `checkRedis` fails fast, with the fix, when Redis is unreachable.
import { readFileSync } from 'node:fs';
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

/** The URL with any password replaced by ***, for messages (also for strings that do not parse as URLs). */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@]*?:)[^@/]*@/i, '$1***@');
}

/**
 * ioredis options for a Redis URL. A password not in the URL (which `ps` shows) comes from DIFFLM_REDIS_PASSWORD,
 * or from the file DIFFLM_REDIS_PASSWORD_FILE names (its first line).
 */
export function redisOptionsFromUrl(url: string, opts: RedisConnectionOptions = {}, env: NodeJS.ProcessEnv = process.env): RedisSettings {
  const shown = redactRedisUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis: "${shown}" is not a URL; use redis://[user:password@]host[:port][/db] or rediss://... for TLS`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`--redis: unsupported scheme "${u.protocol}" in "${shown}"; use redis:// or rediss:// (TLS)`);
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`--redis: database "${u.pathname.slice(1)}" in "${shown}" must be a non-negative integer`);
  const options: RedisSettings = {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    maxRetriesPerRequest: null,
  };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  else if (env.DIFFLM_REDIS_PASSWORD) options.password = env.DIFFLM_REDIS_PASSWORD;
  else if (env.DIFFLM_REDIS_PASSWORD_FILE) {
    try {
      options.password = readFileSync(env.DIFFLM_REDIS_PASSWORD_FILE, 'utf8').split(/\r?\n/)[0]!;
    } catch (e) {
      throw new Error(`DIFFLM_REDIS_PASSWORD_FILE: cannot read ${env.DIFFLM_REDIS_PASSWORD_FILE} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); point it at a file whose first line is the password`);
    }
  }
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

/**
 * One report when Redis is lost and one when it is back, however many connection errors come in between (ioredis
 * retries on its own; without this, every failed reconnect is a stack trace). `error` goes to the connection's
 * 'error' events, `ready` to its client's 'ready' event.
 */
export function redisOutage(onLost: (why: string) => void, onBack: () => void): { error(e: unknown): void; ready(): void } {
  let lost = false;
  return {
    error(e) {
      if (lost) return;
      lost = true;
      const err = e as NodeJS.ErrnoException;
      onLost(err?.code ?? (err?.message ?? String(e)).split('\n')[0]!);
    },
    ready() {
      if (!lost) return;
      lost = false;
      onBack();
    },
  };
}
