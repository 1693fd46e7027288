import type { StackState } from './stackState';

/** What a second `npm start` on busy ports says when a stack of this project holds them. Pure. */
export function formatAlreadyRunning(state: StackState, freePortArgs: readonly string[]): string {
  const ports = Object.entries(state.ports)
    .map(([part, port]) => `${part} ${port}`)
    .join(', ');
  return [
    `A local stack is already running: pid ${state.pid}, started ${state.startedAt} in ${state.root}`,
    `  ports: ${ports}`,
    `  stop it:              kill ${state.pid}   (or Ctrl-C in its window)`,
    `  or start another beside it on free ports:`,
    `                        npm start -- ${freePortArgs.join(' ')}`,
  ].join('\n');
}
