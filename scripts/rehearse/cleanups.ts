/**
 * What a run has to undo (stop the stack, remove the temporary folder), in reverse order,
 * once, whether it ends normally, by an error, or by a signal.
 */
export class Cleanups {
  private readonly steps: (() => Promise<void>)[] = [];
  private running: Promise<void> | undefined;

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  run(log: (line: string) => void = () => undefined): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch (err) {
          log(`cleanup step failed: ${(err as Error).message}`);
        }
      }
    })();
    return this.running;
  }
}
