// Loads ../shared/fixtures/gidd_fixtures.json (golden values from the authors' code) for the tests.
import { readFileSync } from 'node:fs';
import { sharedPath, sharedSkipReason } from '@difflm/test-utils';

export interface FixtureCase {
  readonly id: string;
  readonly source: 'A' | 'B';
  readonly function: string;
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
}

const path = sharedPath('fixtures', 'gidd_fixtures.json');
export const fixtureSkip = path ? undefined : sharedSkipReason('fixtures', 'gidd_fixtures.json');
export const fixtureCases: readonly FixtureCase[] = path ? (JSON.parse(readFileSync(path, 'utf8')) as { cases: FixtureCase[] }).cases : [];

export function casesOf(fn: string, precision = 'float64'): FixtureCase[] {
  return fixtureCases.filter((c) => c.function === fn && c.params.precision === precision);
}

export const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

/** |a − b| ≤ rel·|b| + abs, element-wise; returns a message for the first mismatch. */
export function closeAll(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, b = expected[i]!;
    if (!(Math.abs(a - b) <= rel * Math.abs(b) + abs)) return `[${i}] got ${a}, expected ${b} (rel ${Math.abs(a - b) / Math.abs(b)})`;
  }
  return undefined;
}
