import { readFile, readdir } from 'node:fs/promises';

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every Linux this runs on
// (the kernel fixes it for user space, whatever CONFIG_HZ is).
const TICK_MS = 10;

/**
 * CPU time a process has used so far, in ms: the sum over its threads of the scheduler's
 * run time (/proc/<pid>/task/<tid>/schedstat, nanoseconds), else utime + stime from
 * /proc/<pid>/stat (10 ms ticks). Undefined when the process is gone or this is not Linux.
 *
 * Why the scheduler's clock: a tick is 10 ms, so a round of 50 orders cannot resolve less
 * than 0.2 ms per order, which is the size of what the cpu benchmark looks for. A thread
 * that has exited takes its run time with it; Node's threads (libuv pool, V8 platform)
 * live as long as the process.
 */
export async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  return (await scheduledMs(pid)) ?? (await tickMs(pid));
}

async function scheduledMs(pid: number): Promise<number | undefined> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let ns = 0;
  let read = 0;
  for (const task of tasks) {
    try {
      const value = parseSchedstatNs(await readFile(`/proc/${pid}/task/${task}/schedstat`, 'utf8'));
      if (value === undefined) return undefined;
      ns += value;
      read++;
    } catch {
      // The thread exited between readdir and readFile.
    }
  }
  return read > 0 ? ns / 1e6 : undefined;
}

async function tickMs(pid: number): Promise<number | undefined> {
  try {
    return parseStatCpuMs(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Run time in ns, the first of a schedstat line's three fields (run, wait, timeslices). */
export function parseSchedstatNs(line: string): number | undefined {
  const fields = line.trim().split(/\s+/);
  const ns = Number(fields[0]);
  return fields.length === 3 && Number.isFinite(ns) && ns >= 0 ? ns : undefined;
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
