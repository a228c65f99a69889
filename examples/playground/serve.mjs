#!/usr/bin/env node
// A static server for the playground: dist/ at /, and exported runs under /runs/<name> from the directories given as
// name=path arguments (e.g. `node serve.mjs masked=/tmp/export-masked uniform=/tmp/export-uniform`). Port: PORT or 8080.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(new URL('.', import.meta.url).pathname, 'dist');
const runs = Object.fromEntries(process.argv.slice(2).map((a) => { const i = a.indexOf('='); return [a.slice(0, i), resolve(a.slice(i + 1))]; }));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.bin': 'application/octet-stream' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const m = /^\/runs\/([^/]+)\/(model\.json|model\.bin)$/.exec(path);
  const file = m ? (runs[m[1]] ? join(runs[m[1]], m[2]) : '') : join(root, normalize(path === '/' ? '/index.html' : path));
  if (!file || !file.startsWith(m ? runs[m[1]] : root) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404); res.end('not found'); return; }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => console.log(`playground on http://127.0.0.1:${server.address().port}/?runs=${Object.keys(runs).map((n) => `runs/${n}`).join(',')}`));
