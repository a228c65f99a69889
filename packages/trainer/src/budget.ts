// Training budgets in optimizer steps, tokens or FLOPs (FLOPs = model.flopsPerToken() · tokens, SPEC §3).

export type Budget = { readonly steps: number } | { readonly tokens: number } | { readonly flops: number };

export function stepsForBudget(budget: Budget, tokensPerStep: number, flopsPerToken: number): number {
  const check = (name: string, v: number): number => {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`budget.${name} must be a finite number > 0, got ${v}`);
    return v;
  };
  if ('steps' in budget) {
    const s = check('steps', budget.steps);
    if (!Number.isInteger(s)) throw new Error(`budget.steps must be an integer, got ${s}`);
    return s;
  }
  if ('tokens' in budget) return Math.max(1, Math.ceil(check('tokens', budget.tokens) / tokensPerStep));
  if ('flops' in budget) {
    if (!(flopsPerToken > 0)) throw new Error(`a FLOPs budget needs model.flopsPerToken() > 0, got ${flopsPerToken}`);
    return Math.max(1, Math.ceil(check('flops', budget.flops) / (flopsPerToken * tokensPerStep)));
  }
  throw new Error('budget must have one of steps, tokens or flops');
}
