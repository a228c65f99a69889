import { describe, expect, it } from 'vitest';
import { dropTopLoss, parseCsv, parseJsonl, resolveRun, runsFromRecords } from './index.js';

describe('table readers', () => {
  it('parses quoted CSV fields, doubled quotes and CRLF', () => {
    const rows = parseCsv('"Model Size",name,loss\r\n1e9,"a, ""b""",3.5\r\n2e9,c,3.1\r\n');
    expect(rows).toEqual([{ 'Model Size': '1e9', name: 'a, "b"', loss: '3.5' }, { 'Model Size': '2e9', name: 'c', loss: '3.1' }]);
  });

  it('rejects ragged CSV rows and bad JSONL lines with their line numbers', () => {
    expect(() => parseCsv('a,b\n1\n')).toThrow(/row 2/);
    expect(() => parseJsonl('{"a":1}\n{oops}\n')).toThrow(/line 2/);
    expect(() => parseJsonl('[1]\n')).toThrow(/line 1 must be a JSON object/);
  });

  it('maps columns to runs and derives tokens from compute (Method 2 by default)', () => {
    const runs = runsFromRecords(parseCsv('N,C,L,noise\n1e9,6e19,3.1,masked\n'), { params: 'N', compute: 'C', loss: 'L', group: 'noise' });
    expect(runs).toEqual([{ params: 1e9, compute: 6e19, loss: 3.1, group: 'masked' }]);
    const r = resolveRun(runs[0]!, 0);
    expect(r.flopsPerToken).toBe(6e9);
    expect(r.tokens).toBeCloseTo(1e10, 0);
  });

  it('names a missing column and a non-numeric cell', () => {
    expect(() => runsFromRecords(parseCsv('N,L\n1,2\n'), { params: 'Model Size', loss: 'L' })).toThrow(/"Model Size".*columns are: N, L/);
    expect(() => runsFromRecords(parseCsv('N,L\n1,abc\n'), { params: 'N', loss: 'L' })).toThrow(/row 1: column "L" must be numeric/);
  });

  it('turns rows sharing an id into one run with a loss curve (long format) and reads JSONL curves', () => {
    const csv = 'run,M,D,L\nx,1e9,1e9,4\nx,1e9,1e10,3\ny,2e9,1e9,3.9\n';
    const runs = runsFromRecords(parseCsv(csv), { id: 'run', flopsPerToken: 'M', tokens: 'D', loss: 'L' });
    expect(runs).toHaveLength(2);
    expect(runs[0]!.curve).toEqual({ tokens: [1e9, 1e10], loss: [4, 3] });
    expect(runs[0]!.loss).toBe(3);
    const jl = runsFromRecords(parseJsonl('{"flopsPerToken":1e9,"curveTokens":[1,2],"curveLoss":[5,4]}\n'));
    expect(resolveRun(jl[0]!, 0)).toMatchObject({ tokens: 2, loss: 4, compute: 2e9 });
  });

  it('resolveRun names the bad field and the fix', () => {
    expect(() => resolveRun({ params: 1e9, tokens: 1e10, loss: -2 }, 3)).toThrow(/run run-3: loss must be a finite positive number/);
    expect(() => resolveRun({ tokens: 1e10, loss: 2 }, 0)).toThrow(/give params or flopsPerToken/);
    expect(() => resolveRun({ params: 1, loss: 2 }, 0)).toThrow(/give tokens or compute/);
  });

  it("dropTopLoss keeps losses strictly below the k-th largest (Epoch's rule)", () => {
    const runs = [5, 4, 4, 3, 2, 1].map((loss) => ({ loss }));
    expect(dropTopLoss(runs, 2).map((r) => r.loss)).toEqual([3, 2, 1]); // ties with the 2nd largest go too
    expect(dropTopLoss(runs, 1).map((r) => r.loss)).toEqual([4, 4, 3, 2, 1]);
    expect(() => dropTopLoss(runs, 1.5)).toThrow(/non-negative integer/);
  });
});
