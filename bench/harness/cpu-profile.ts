/**
 * Reading a V8 `.cpuprofile` (what `node --cpu-prof` writes): the frames where the process spent
 * its own time (self time), grouped by function and file, and grouped by where the code lives
 * (punchline's runtime, a node, kafkajs, rxjs, node internals, the garbage collector…).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One line of a self-time summary. */
export interface ProfileEntry {
  readonly name: string;
  /** Share of all samples, 0–1. */
  readonly share: number;
  readonly ms: number;
}

/** The summary of one profile. */
export interface ProfileSummary {
  readonly totalMs: number;
  /** The functions with the most self time. */
  readonly frames: readonly ProfileEntry[];
  /** Self time by area: `punchline runtime`, `node kafka_input`, `kafkajs`, `rxjs`, `gc`, `idle`… */
  readonly areas: readonly ProfileEntry[];
}

/** The area a frame's code belongs to, from its URL. */
function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  const path = url.replace(/^file:\/\//, '');
  const inRepo = /\/(src|nodes)\/([^/]+)\//.exec(path);
  if (path.includes('/node_modules/')) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? 'node_modules';
    return pkg;
  }
  if (inRepo !== null) return inRepo[1] === 'nodes' ? `node ${inRepo[2] ?? ''}` : `src/${inRepo[2] ?? ''}`;
  if (path.startsWith('node:') || path === '') return 'node internals';
  return 'other';
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const at = path.search(/\/(src|nodes|node_modules|bench)\//);
  return at < 0 ? path : path.slice(at + 1);
}

/** Summarises a `.cpuprofile` file: the `top` functions by self time, and self time by area. */
export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`}`.trim();
    frames.set(key, (frames.get(key) ?? 0) + us);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const entries = (map: Map<string, number>, limit: number): ProfileEntry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, share: total === 0 ? 0 : us / total, ms: us / 1000 }));
  return { totalMs: total / 1000, frames: entries(frames, top), areas: entries(areas, 20) };
}

/** The summary as text lines, for the console and docs. */
export function formatProfile(summary: ProfileSummary): string {
  const line = (e: ProfileEntry): string => `  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(7)} ms  ${e.name}`;
  return [`self time by area (of ${(summary.totalMs / 1000).toFixed(1)} s sampled):`, ...summary.areas.map(line), 'top functions by self time:', ...summary.frames.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) process.stdout.write(`${file}\n${formatProfile(summariseProfile(file))}\n`);
}
