/** What goes wrong, and when (ms after the load starts). */
export type FaultPlan =
  | { readonly kind: 'freeze-process'; readonly atMs: number; readonly forMs: number }
  | { readonly kind: 'kill-process'; readonly atMs: number; readonly frozenForMs: number; readonly restartAfterMs: number }
  | { readonly kind: 'freeze-emulators'; readonly atMs: number; readonly forMs: number };

/** One line for the report. */
export function describeFault(plan: FaultPlan): string {
  const s = (ms: number) => `${ms / 1000} s`;
  switch (plan.kind) {
    case 'freeze-process':
      return `processOrder frozen (SIGSTOP) at ${s(plan.atMs)} for ${s(plan.forMs)}, then SIGCONT`;
    case 'kill-process':
      return `processOrder frozen at ${s(plan.atMs)} for ${s(plan.frozenForMs)}, then killed (SIGKILL); a new instance ${s(plan.restartAfterMs)} later`;
    case 'freeze-emulators':
      return `Pub/Sub and Firestore emulators frozen (SIGSTOP) at ${s(plan.atMs)} for ${s(plan.forMs)}, then SIGCONT`;
  }
}
