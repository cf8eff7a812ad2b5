/**
 * Watching a running case: every interval, how far it got (records processed, from the case's own
 * progress source), its resident memory and the CPU time it used. Throughput comes from the
 * samples of the steady part of the run (after a warm-up, before the end of the topic), so
 * process start-up, group joins and the tail do not count.
 */
import type { Child } from './child.js';
import { readCpuSeconds, readMemory } from './child.js';

/** One observation of a running case. */
export interface Sample {
  /** Milliseconds since the watch started. */
  readonly t: number;
  /** Records processed so far; `undefined` while the case says nothing yet. */
  readonly count: number | undefined;
  /** Resident memory now, bytes. */
  readonly rss: number;
  /** CPU seconds used so far (user + system, all threads). */
  readonly cpuS: number;
}

/** The steady part of a run. */
export interface SteadyWindow {
  readonly records: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** records / seconds. */
  readonly rate: number;
  /** CPU microseconds per record (user + system, all threads: GC and I/O threads too). */
  readonly cpuUsPerRecord: number;
  /** CPU use over the window, in cores (1.0 = one core busy). */
  readonly cores: number;
}

/** Samples a child until {@link Watch.stop}. */
export class Watch {
  readonly samples: Sample[] = [];
  /** The highest VmHWM seen: the process's peak resident memory. */
  peakRss = 0;
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  #busy = false;

  constructor(
    private readonly child: Child,
    private readonly progress: () => Promise<number | undefined> | number | undefined,
    intervalMs = 250,
  ) {
    this.#timer = setInterval(() => void this.sample(), intervalMs);
  }

  /** Milliseconds since the watch started. */
  get elapsedMs(): number {
    return performance.now() - this.#started;
  }

  /** The last count seen. */
  get count(): number | undefined {
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const count = this.samples[i]?.count;
      if (count !== undefined) return count;
    }
    return undefined;
  }

  /** Takes one sample now (also called by the timer; overlapping calls are skipped). */
  async sample(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const memory = readMemory(this.child.pid);
      const cpuS = readCpuSeconds(this.child.pid);
      if (memory === undefined || cpuS === undefined) return;
      const count = await this.progress();
      this.peakRss = Math.max(this.peakRss, memory.hwm, memory.rss);
      this.samples.push({ t: this.elapsedMs, count, rss: memory.rss, cpuS });
    } catch {
      // A scrape that failed (the process is stopping): the next sample tells.
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/**
 * The steady window of a run: from the first sample `warmupMs` after the first progress (or the
 * first progress, when the run ended before), to the first sample that reached `limit` records
 * (the end of the topic) or the last sample.
 */
export function steadyWindow(samples: readonly Sample[], warmupMs: number, limit = Infinity): SteadyWindow | undefined {
  const counted = samples.filter((s): s is Sample & { count: number } => s.count !== undefined);
  const first = counted.find((s) => s.count > 0);
  if (first === undefined) return undefined;
  const end = counted.find((s) => s.count >= limit) ?? counted[counted.length - 1];
  if (end === undefined) return undefined;
  // A run shorter than its warm-up (a quick run of a fast case) is measured from its first progress.
  const warm = counted.find((s) => s.t >= first.t + warmupMs);
  const start = warm !== undefined && warm.t < end.t && warm.count < end.count ? warm : first;
  if (end.t <= start.t || end.count <= start.count) return undefined;
  const records = end.count - start.count;
  const seconds = (end.t - start.t) / 1000;
  const cpuSeconds = end.cpuS - start.cpuS;
  return { records, seconds, cpuSeconds, rate: records / seconds, cpuUsPerRecord: (cpuSeconds * 1e6) / records, cores: cpuSeconds / seconds };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
