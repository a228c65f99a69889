// citty ignores flags a command does not define; unknownFlag refuses them, and nothing citty itself accepts.
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { unknownFlag } from './run-cli.js';

const refused = async (args: string[]): Promise<string | null> => (await unknownFlag(main, args))?.message ?? null;

describe('unknownFlag', () => {
  it('refuses a flag the command lacks, with the nearest one', async () => {
    expect(await refused(['train', '--run-dir', 'r', '--step', '5'])).toBe('unknown flag --step; did you mean --steps?');
    expect(await refused(['runs', 'list', '--jsn'])).toMatch(/^unknown flag --jsn; did you mean --json\?/);
  });

  it('accepts what citty accepts: --x=v, --no-x, camelCase, values that start with a dash, negative numbers, --', async () => {
    expect(await refused(['train', '--run-dir=r', '--steps=5'])).toBeNull();
    expect(await refused(['train', '--runDir', 'r'])).toBeNull();
    expect(await refused(['sample', '--run-dir', 'r', '--prompt', '- item one'])).toBeNull();
    expect(await refused(['sample', '--run-dir', 'r', '--temperature', '-1'])).toBeNull();
    expect(await refused(['eval', '--run-dir', 'r', '--no-json'])).toBeNull();
    expect(await refused(['fit', '--', '--not-a-flag'])).toBeNull();
    expect(await refused(['study', '--executor', 'fake', '--preset', 'quick'])).toBeNull();
    expect(await refused(['train', '--executor', 'fake'])).toBe('unknown flag --executor');
  });
});
