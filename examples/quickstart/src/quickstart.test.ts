import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quickstart } from './quickstart.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-example-quickstart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/quickstart', () => {
  it('trains a masked diffusion LM (the loss falls) and samples text from it', async () => {
    const { elbo, samples } = await quickstart({ dataDir: join(dir, 'shards'), steps: 60, documents: 20 });
    expect(elbo).toHaveLength(60);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(elbo.slice(-10))).toBeLessThan(mean(elbo.slice(0, 10)));
    expect(samples).toHaveLength(2);
    for (const s of samples) expect(s.length).toBeGreaterThan(0);
  }, 120_000);
});
