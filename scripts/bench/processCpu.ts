import { readFile } from 'node:fs/promises';

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every Linux this runs on
// (the kernel fixes it for user space, whatever CONFIG_HZ is).
const TICK_MS = 10;

/**
 * CPU time (user + system, all threads) a process has used so far, in ms, from
 * /proc/<pid>/stat; undefined when the process is gone or this is not Linux.
 */
export async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseStatCpuMs(stat);
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in ms. */
export function parseStatCpuMs(stat: string): number | undefined {
  // The command name (field 2) may hold spaces and parentheses: count from its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and [12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : undefined;
}
