// Multiple-choice tasks scored by likelihood (SPEC §2.3; lm-eval's `acc` and `acc_norm`): each choice is a
// completion of the item's prompt, scored by the objective's −log p(choice | prompt) (the ELBO for diffusion); the
// pick is the choice with the lowest score, or the lowest score per unit of the choice's length (normalised).
import type { TrainableModel } from './model-port.js';
import type { ScoreCompletionsOptions } from './score-completions.js';
import type { TrainingObjective } from './training-objective.js';

export interface MultipleChoiceItem {
  readonly prompt: ArrayLike<number>;
  readonly choices: readonly ArrayLike<number>[];
  /** Index of the right choice. */
  readonly gold: number;
  /** Length of each choice for the normalised pick (lm-eval: characters; default its token count). */
  readonly choiceLengths?: readonly number[];
}

export interface MultipleChoiceScores {
  /** −log p (nats) of each choice, per item. */
  readonly scores: readonly Float64Array[];
  readonly picks: readonly number[];
  readonly normalisedPicks: readonly number[];
}

export interface MultipleChoiceSummary {
  readonly items: number;
  readonly accuracy: number;
  /** Standard error of the accuracy, √(p(1 − p)/n). */
  readonly accuracyStandardError: number;
  readonly normalisedAccuracy: number;
  readonly normalisedAccuracyStandardError: number;
  /** Expected accuracy of a uniform guess: the mean of 1/choices. */
  readonly chance: number;
}

const argmin = (xs: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[best]!) best = i;
  return best;
};

/** Score every choice of every item (one call to the objective for all of them) and pick per item. */
export async function scoreMultipleChoice(objective: TrainingObjective, model: TrainableModel, items: readonly MultipleChoiceItem[], options: ScoreCompletionsOptions): Promise<MultipleChoiceScores> {
  items.forEach((it, i) => {
    if (it.choices.length < 2) throw new Error(`item ${i}: a multiple-choice item needs at least 2 choices, got ${it.choices.length}`);
    if (!Number.isInteger(it.gold) || it.gold < 0 || it.gold >= it.choices.length) throw new Error(`item ${i}: gold ${it.gold} is not the index of one of its ${it.choices.length} choices`);
    if (it.choiceLengths && it.choiceLengths.length !== it.choices.length) throw new Error(`item ${i}: ${it.choiceLengths.length} choice lengths for ${it.choices.length} choices`);
  });
  const flat = items.flatMap((it) => it.choices.map((completion) => ({ prompt: it.prompt, completion })));
  const all = await objective.scoreCompletions(model, flat, options);
  const scores: Float64Array[] = [];
  let at = 0;
  for (const it of items) { scores.push(all.slice(at, at + it.choices.length)); at += it.choices.length; }
  return {
    scores,
    picks: scores.map(argmin),
    normalisedPicks: scores.map((s, i) => argmin(Array.from(s, (v, c) => v / Math.max(1, items[i]!.choiceLengths?.[c] ?? items[i]!.choices[c]!.length)))),
  };
}

export function summariseMultipleChoice(items: readonly MultipleChoiceItem[], scored: MultipleChoiceScores): MultipleChoiceSummary {
  const n = items.length;
  if (n === 0) throw new Error('a task needs at least one item');
  const rate = (picks: readonly number[]): number => picks.filter((p, i) => p === items[i]!.gold).length / n;
  const se = (p: number): number => Math.sqrt((p * (1 - p)) / n);
  const accuracy = rate(scored.picks), normalisedAccuracy = rate(scored.normalisedPicks);
  return {
    items: n, accuracy, accuracyStandardError: se(accuracy), normalisedAccuracy, normalisedAccuracyStandardError: se(normalisedAccuracy),
    chance: items.reduce((s, it) => s + 1 / it.choices.length, 0) / n,
  };
}
