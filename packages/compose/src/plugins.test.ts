// What a run directory records of its plug-ins, and how it is read back: portable module names (absolute paths,
// package names), the package's version, and a clear line for a record that is damaged or names a missing module.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlugins, loadRecordedPlugins, pluginModuleName, pluginRecord } from './plugins.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-plugin-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('plug-in records', () => {
  const pkg = join(dir, 'acme-noise');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/noise', version: '2.3.1', type: 'module', exports: { '.': { import: './dist/index.js' } } }));
  writeFileSync(join(pkg, 'dist', 'index.js'), 'export default { kind: "difflm/test-plugin", marker: 42 };\n');
  const project = join(dir, 'project');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'project' }));
  writeFileSync(join(project, 'loose.mjs'), 'export default { kind: "difflm/test-plugin", marker: 7 };\n');

  it('a path becomes absolute and takes the version of the package around it; a package name stays a name', () => {
    expect(pluginModuleName('./dist/index.js', pkg)).toBe(join(pkg, 'dist', 'index.js'));
    expect(pluginModuleName('@acme/noise', pkg)).toBe('@acme/noise');
    expect(pluginRecord('./dist/index.js', pkg)).toEqual({ module: join(pkg, 'dist', 'index.js'), version: '2.3.1' });
    // Self-reference: from inside the package, its own name resolves to its entry.
    expect(pluginRecord('@acme/noise', pkg)).toEqual({ module: '@acme/noise', version: '2.3.1' });
    // A package.json without a version gives null, never a guess.
    expect(pluginRecord('./loose.mjs', project)).toEqual({ module: join(project, 'loose.mjs'), version: null });
  });

  it('loads what a config records; nothing when it records none; one line for a damaged or missing record', async () => {
    const mods = await loadRecordedPlugins({ plugins: [{ module: join(project, 'loose.mjs'), version: null }] }, tmpdir());
    expect((mods[0] as { default: { marker: number } }).default.marker).toBe(7);
    expect(await loadRecordedPlugins({ model: {} })).toEqual([]);
    await expect(loadRecordedPlugins({ plugins: 'x' })).rejects.toThrow(/malformed "plugins" list .*pass the plug-ins with --plugins/);
    await expect(loadRecordedPlugins({ plugins: [{ module: join(dir, 'gone.mjs'), version: '1.0.0' }] })).rejects.toThrow(/the run was trained with plug-in .*gone\.mjs, which cannot be loaded here .*install it here or pass --plugins/);
  });
});

describe('loadPlugins', () => {
  it('names a module whose default export is no difflm plug-in, with its place in the list', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'difflm-plugin-kind-'));
    writeFileSync(join(dir2, 'ok.mjs'), 'export default { kind: "difflm/schedule-plugin", id: "acme/x" };\n');
    writeFileSync(join(dir2, 'not.mjs'), 'export default { hello: "world" };\n');
    await expect(loadPlugins(['./ok.mjs', './not.mjs'], dir2)).rejects.toThrow(/^--plugins: plug-in #2, module '\.\/not\.mjs', is not a difflm plug-in/);
    expect(await loadPlugins(['./ok.mjs'], dir2)).toHaveLength(1);
    rmSync(dir2, { recursive: true, force: true });
  });
});
