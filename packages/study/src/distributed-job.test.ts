// Queue jobs are untrusted: a worker checks each one against its own config hash and its data roots before it
// touches the disk (a hostile runId must not become a path, a hostile corpus must not be opened).
import { describe, expect, it } from 'vitest';
import { createNoiseRegistry, type NoiseRegistry } from '@difflm/noise';
import { validateRunJob } from './distributed-worker.js';
import { runIdOf, type RunConfig } from './run-config.js';
import { parseStudyDefinition } from './study-definition.js';
import { planStudy } from './study-plan.js';
import { studyPreset } from './presets.js';

const plan = planStudy(parseStudyDefinition(studyPreset('quick'), 'preset quick'));
const run = plan.runs[0]!;
const good = { study: 'quick', runId: run.id, config: run.config };

describe('validateRunJob', () => {
  it('accepts the coordinator\'s own jobs unchanged', () => {
    expect(validateRunJob(structuredClone(good))).toEqual(good);
  });

  const withCorpus = (corpus: string): { study: string; runId: string; config: RunConfig } => {
    const config = { ...run.config, data: { ...run.config.data, corpus } };
    return { study: 'quick', runId: runIdOf(config), config };
  };

  it.each([
    ['a path as run id', { ...good, runId: '../../x' }, /"\.\.\/\.\.\/x" is not a run id/],
    ['a run id that is not its config\'s hash', { ...good, runId: 'r0123456789abcdef' }, /is not the hash of the job's config/],
    ['an altered config under the original id', { ...good, config: { ...run.config, steps: run.config.steps + 1 } }, /the job was altered/],
    ['a study name that walks up', { ...good, study: '..' }, /study "\.\." is not a study name/],
    ['no data at all', null, /its data is not an object/],
    ['a system file as corpus', withCorpus('/etc/passwd'), /config\.data\.corpus "\/etc\/passwd" is neither an embedded corpus .* \(none given\)/],
    ['a relative corpus path', withCorpus('docs.txt'), /config\.data\.corpus "docs\.txt" is neither/],
  ])('rejects %s', (_what, job, message) => {
    expect(() => validateRunJob(job)).toThrow(message);
  });

  it('refuses a job whose noise type this worker does not register, naming the study\'s plug-ins and the flag', () => {
    const config = { ...run.config, noise: { id: 'acme/unigram' } };
    const job = { study: 'quick', runId: runIdOf(config), config, plugins: ['/opt/acme/unigram.js'] };
    expect(() => validateRunJob(job)).toThrow(/noise type "acme\/unigram" is not registered in this worker; the study loads its plug-ins from \/opt\/acme\/unigram\.js: start the worker with --plugins/);
    // A worker started with the plug-in: its registry has the id (only `has` is consulted; nothing is imported).
    const builtins = createNoiseRegistry();
    const withPlugin = { ...builtins, has: (id: string) => id === 'acme/unigram' || builtins.has(id) } as NoiseRegistry;
    expect(validateRunJob(job, [], withPlugin).plugins).toEqual(['/opt/acme/unigram.js']);
  });

  it('refuses a job whose λ schedule this worker does not register', () => {
    const config = { ...run.config, trainer: { ...run.config.trainer, objectiveOptions: { schedule: 'acme/shifted-cosine' } } };
    const job = { study: 'quick', runId: runIdOf(config), config };
    expect(() => validateRunJob(job)).toThrow(/λ schedule "acme\/shifted-cosine" is not registered in this worker: start the worker with --plugins/);
    const cosine = { ...run.config, trainer: { ...run.config.trainer, objectiveOptions: { schedule: 'cosine' } } };
    expect(validateRunJob({ study: 'quick', runId: runIdOf(cosine), config: cosine }).config).toEqual(cosine);
  });

  it('refuses a job whose optimizer this worker does not register', () => {
    const config = { ...run.config, trainer: { ...run.config.trainer, optimizer: { kind: 'acme/lion' } } };
    expect(() => validateRunJob({ study: 'quick', runId: runIdOf(config), config })).toThrow(/optimizer "acme\/lion" is not registered in this worker: start the worker with --plugins/);
  });

  it('refuses a job whose loss weighting this worker does not register', async () => {
    const { createLossWeightingRegistry, defineLossWeighting } = await import('@difflm/noise');
    const config = { ...run.config, trainer: { ...run.config.trainer, objectiveOptions: { lossWeighting: 'acme/sqrt-elbo' } } };
    const job = { study: 'quick', runId: runIdOf(config), config };
    expect(() => validateRunJob(job)).toThrow(/loss weighting "acme\/sqrt-elbo" is not registered in this worker: start the worker with --plugins/);
    const sqrt = defineLossWeighting({ id: 'acme/sqrt-elbo', description: 'sqrt', parseOptions: () => ({}), create: () => ({ id: 'acme/sqrt-elbo', weight: (t) => Math.sqrt(t.elboWeight) }) });
    expect(validateRunJob(job, [], undefined, undefined, undefined, createLossWeightingRegistry([sqrt])).config).toEqual(config);
    const clip = { ...run.config, trainer: { ...run.config.trainer, objectiveOptions: { lossWeighting: 'clip' } } };
    expect(validateRunJob({ study: 'quick', runId: runIdOf(clip), config: clip }).config).toEqual(clip);
  });

  it('accepts a corpus inside a data root and refuses one that escapes it', () => {
    expect(validateRunJob(withCorpus('/srv/corpora/docs.txt'), ['/srv/corpora']).config.data.corpus).toBe('/srv/corpora/docs.txt');
    expect(() => validateRunJob(withCorpus('/srv/corpora/../secrets.txt'), ['/srv/corpora'])).toThrow(/neither an embedded corpus/);
    expect(() => validateRunJob(withCorpus('/srv/corpora-other/x.txt'), ['/srv/corpora'])).toThrow(/neither an embedded corpus/);
  });
});
