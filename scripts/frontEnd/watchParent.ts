/**
 * Calls onDeath once when the process that started this one has gone (this process was
 * re-parented, so its parent pid changed). Polls: Node has no parent-death signal.
 */
export function watchParent(onDeath: () => void, intervalMs = 500, ppid: () => number = () => process.ppid): () => void {
  const original = ppid();
  const timer = setInterval(() => {
    if (ppid() === original) return;
    clearInterval(timer);
    onDeath();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
