// Where a cooldown branch (Hägele et al. 2024) leaves the run: a branch that ends at step T starts from the run at
// T − ⌈fraction·T⌉ (at least one step back, never before step 0). The trainer runs branches from it; a study counts
// their compute from it.

/** The run step a cooldown branch ending at `target` leaves from. */
export function cooldownBranchStart(target: number, fraction: number): number {
  return Math.max(0, target - Math.max(1, Math.ceil(fraction * target)));
}
