// `train()`: run a trainer to its budget (or until `shouldStop`), reporting plain numbers.
import { createTrainer, type StepMetrics, type TrainerOptions } from './trainer.js';
import type { TrainerState } from './trainer-state.js';

export interface TrainOptions extends TrainerOptions {
  /** Continue from a saved state instead of step 0. */
  readonly resumeFrom?: TrainerState;
  /** Called after every step with plain numbers; may be async (e.g. to write a checkpoint). */
  readonly onStep?: (metrics: StepMetrics, ctx: { getState(): TrainerState }) => void | Promise<void>;
  /** Checked before each step; returning true ends the run early. */
  readonly shouldStop?: () => boolean;
}

export interface TrainResult {
  readonly steps: number;
  readonly last: StepMetrics | null;
  readonly state: TrainerState;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const trainer = createTrainer(o);
  try {
    if (o.resumeFrom) trainer.setState(o.resumeFrom);
    let last: StepMetrics | null = null;
    while (!trainer.done) {
      // Yield a macrotask so timers and signal handlers that drive shouldStop can run between steps.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (o.shouldStop?.()) break;
      last = await trainer.trainStep();
      await o.onStep?.(last, { getState: () => trainer.getState() });
    }
    return { steps: trainer.step, last, state: await trainer.getStateAsync() };
  } finally {
    trainer.dispose();
  }
}
