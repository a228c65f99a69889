// Where a run's reads along the way (the curve design) live in its metrics: the held-out ELBO evaluated at a
// step, and that evaluation's standard error, keyed by the step. Metrics are a flat record of numbers, which
// every path a result travels (run process, queue, results store) already carries and checks.

/** The metrics key of the held-out ELBO read at `step`. */
export const readKey = (step: number): string => `heldOut@${step}`;
/** The metrics key of that evaluation's standard error. */
export const readSeKey = (step: number): string => `heldOutSe@${step}`;
/** The metrics key of the held-out ELBO of the cooldown branch that ends at `step` (the branches design). */
export const branchKey = (step: number): string => `branch@${step}`;
/** That evaluation's standard error. */
export const branchSeKey = (step: number): string => `branchSe@${step}`;
