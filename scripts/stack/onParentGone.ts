/**
 * Calls onGone once when this process's parent has gone (the process was re-parented),
 * then stops watching. `npm start` runs the runner under npm (and a shell); `kill <npm pid>`
 * with SIGHUP, or npm dying, tells the runner nothing, and npm opens no pipe to it whose
 * closing could, so the runner looks at its parent pid twice a second. A runner started
 * without a parent to follow (already re-parented to init) watches nothing.
 * Returns a function that stops watching.
 */
export function onParentGone(onGone: () => void, intervalMs = 500, ppid: () => number = () => process.ppid): () => void {
  const parent = ppid();
  if (parent <= 1) return () => undefined;
  const timer = setInterval(() => {
    if (ppid() === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
