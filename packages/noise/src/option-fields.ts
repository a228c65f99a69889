// Field readers for JSON options: every wrong type becomes an Error naming the field and the fix.

export type RawOptions = Readonly<Record<string, unknown>>;

/** Options must be a plain object (or undefined for all defaults). */
export function optionRecord(raw: unknown, where: string, known: readonly string[]): RawOptions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: options must be an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new Error(`${where}: unknown option "${key}" (known: ${known.join(', ')})`);
  }
  return raw as RawOptions;
}

export function numberField(o: RawOptions, field: string, where: string, fallback: number, check?: (v: number) => string | undefined): number {
  const v = o[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${where}.${field} must be a number, got ${typeof v === 'number' ? 'NaN' : JSON.stringify(v)}`);
  const problem = check?.(v);
  if (problem) throw new Error(`${where}.${field} ${problem}, got ${v}`);
  return v;
}

export function enumField<T extends string>(o: RawOptions, field: string, where: string, allowed: readonly T[], fallback: T): T {
  const v = o[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new Error(`${where}.${field} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export function booleanField(o: RawOptions, field: string, where: string, fallback: boolean): boolean {
  const v = o[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new Error(`${where}.${field} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

export const inUnitInterval = (v: number): string | undefined => (v >= 0 && v <= 1 ? undefined : 'must be in [0, 1]');
export const positive = (v: number): string | undefined => (v > 0 ? undefined : 'must be > 0');
export const finite = (v: number): string | undefined => (Number.isFinite(v) ? undefined : 'must be finite');
