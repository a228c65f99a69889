import { useBackend } from './src/tf-backend.ts';
await useBackend('wasm');
const { trainerExecutor } = await import('../study/src/trainer-executor.ts');
const { planStudy, parseStudyDefinition } = await import('../study/src/index.ts');
const plan = planStudy(parseStudyDefinition({ name: 't', noise: ['masked'], models: ['L2-D32-H2', 'L2-D64-H4', 'L3-D96-H6'], seqLen: 64, budgets: [JSON.parse(process.env.C ?? '3e10')], batch: { sequences: [32] }, lr: { rule: 'design-law' }, minSteps: 5 }));
const ex = trainerExecutor({ backend: 'none' });
for (const r of plan.runs) {
  const t0 = Date.now();
  const res = await ex.run(r.config, { runId: r.id, runDir: `/tmp/tt/${r.id}-${Date.now()}` });
  const s = (Date.now()-t0)/1000;
  console.log(r.config.model.name, r.config.steps, 'steps', r.config.tokens, 'tokens', s.toFixed(1), 's', (s/r.config.steps*1000).toFixed(0), 'ms/step', res.finalLoss.toFixed(3), 'eval', res.metrics.evalElbo?.toFixed(3), 'lr', r.config.lr);
}
