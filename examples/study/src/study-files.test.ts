import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStudyJson, planStudy } from '@difflm/study';

const dir = new URL('../studies/', import.meta.url);

describe('examples/study/studies/*.json', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    it(`${file} is a valid study that plans runs`, () => {
      const plan = planStudy(parseStudyJson(readFileSync(new URL(file, dir), 'utf8'), file));
      expect(plan.runs.length).toBeGreaterThan(0);
    });
  }
});
