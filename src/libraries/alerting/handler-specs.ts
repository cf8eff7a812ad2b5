/**
 * Handler specs: Kapacitor's topic handlers (`kapacitor define-topic-handler handler.yaml`), one
 * per file, `{ id, topic, kind, options, match }`. This module checks a spec's value (already
 * parsed from YAML or JSON5 by the caller, who knows where each JSON pointer sits in the file) and
 * gives typed options per kind; it reports each problem at its JSON pointer, with Kapacitor's
 * error texts where Kapacitor has one (id and topic rules, duplicate ids, unknown kinds).
 *
 * The kinds and their options, Kapacitor's names kept as Kapacitor writes them, ours snake_case
 * with the unit in the name:
 * - `log`: `path` (absolute), `mode` (file mode, default 0600, must be user writable);
 * - `post`: `url`, `headers`, `alert-template` (Go template of the body; default: the alert
 *   JSON), `timeout` (a duration, default 10s), `retries` (default 2), `retry_backoff_ms`
 *   (default 500, doubled at each retry);
 * - `exec`: `prog`, `args`, `timeout_ms` (default 10000); the event JSON on stdin;
 * - `tcp`: `address` (host:port), `timeout_ms` (default 10000); the event JSON line;
 * - `kafka`: `cluster`, `topic`, `template`, `disablePartitionById`, `partitionAlgorithm`.
 */
import { suggestName } from '../../core/closest-name.js';
import { PunchlineError } from '../../core/errors.js';
import { parseDuration } from '../lambda/durations.js';
import { compileTemplate } from '../template/index.js';
import { compileHandlerMatch } from './handler-match.js';
import type { HandlerMatch } from './handler-match.js';

/** Kapacitor's rules (services/alert/dao.go). */
const VALID_HANDLER_ID = /^[-._\p{L}0-9]+$/u;
const VALID_TOPIC_ID = /^[-:._\p{L}0-9]+$/u;

export const HANDLER_KINDS = ['log', 'post', 'exec', 'tcp', 'kafka'] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

export interface LogOptions {
  readonly path: string;
  /** Permission bits, e.g. 0o600. */
  readonly mode: number;
}
export interface PostOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body's Go template, rendered on Kapacitor's alert data; the alert JSON without it. */
  readonly alertTemplate?: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
}
export interface ExecOptions {
  readonly prog: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
}
export interface TcpOptions {
  readonly address: string;
  readonly timeoutMs: number;
}
export interface KafkaOptions {
  /** The platform config's cluster id; its only cluster when absent. */
  readonly cluster?: string;
  readonly topic: string;
  readonly template?: string;
  readonly disablePartitionById: boolean;
  readonly partitionAlgorithm: 'crc32' | 'murmur2' | 'fnv-1a';
}

/** A checked spec: its options typed by kind. */
export type HandlerSpec = { readonly id: string; readonly topic: string; readonly match?: HandlerMatch } & (
  | { readonly kind: 'log'; readonly options: LogOptions }
  | { readonly kind: 'post'; readonly options: PostOptions }
  | { readonly kind: 'exec'; readonly options: ExecOptions }
  | { readonly kind: 'tcp'; readonly options: TcpOptions }
  | { readonly kind: 'kafka'; readonly options: KafkaOptions }
);

/** A problem of a spec file, at a JSON pointer of its value. */
export interface SpecProblem {
  readonly pointer: string;
  readonly message: string;
  readonly hint?: string;
}

type OptionType = 'string' | 'address' | 'absolute-path' | 'boolean' | 'count' | 'milliseconds' | 'duration' | 'file-mode' | 'string-map' | 'string-list' | 'template' | 'algorithm';

interface OptionRule {
  readonly type: OptionType;
  readonly required?: boolean;
}

const OPTION_RULES: Readonly<Record<HandlerKind, Readonly<Record<string, OptionRule>>>> = {
  log: { path: { type: 'absolute-path', required: true }, mode: { type: 'file-mode' } },
  post: { url: { type: 'string', required: true }, headers: { type: 'string-map' }, 'alert-template': { type: 'template' }, timeout: { type: 'duration' }, retries: { type: 'count' }, retry_backoff_ms: { type: 'milliseconds' } },
  exec: { prog: { type: 'string', required: true }, args: { type: 'string-list' }, timeout_ms: { type: 'milliseconds' } },
  tcp: { address: { type: 'address', required: true }, timeout_ms: { type: 'milliseconds' } },
  kafka: { cluster: { type: 'string' }, topic: { type: 'string', required: true }, template: { type: 'template' }, disablePartitionById: { type: 'boolean' }, partitionAlgorithm: { type: 'algorithm' } },
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const escapePointer = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** `-rw-------`, as Go prints an `os.FileMode` (Kapacitor's error text shows it so). */
function goFileMode(mode: number): string {
  const bits = 'rwxrwxrwx';
  return `-${[...bits].map((c, i) => ((mode >> (8 - i)) & 1 ? c : '-')).join('')}`;
}

/** A mode: an integer (YAML 1.1's `0644` is octal, as in Kapacitor's YAML) or a string of octal digits (`"0644"`). */
function fileMode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) return value;
  if (typeof value === 'string' && /^0?[0-7]{3,4}$/.test(value)) return parseInt(value, 8);
  return undefined;
}

/** Checks one option; the value it gives, or a problem. */
function checkOption(name: string, type: OptionType, value: unknown): { value: unknown } | { message: string; hint?: string } {
  switch (type) {
    case 'string':
      return typeof value === 'string' && value !== '' ? { value } : { message: 'must be a non-empty string' };
    case 'address':
      return typeof value === 'string' && /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(value) ? { value } : { message: 'must be host:port', hint: 'e.g. 127.0.0.1:9000 or [::1]:9000' };
    case 'absolute-path':
      if (typeof value !== 'string' || value === '') return { message: 'must be a non-empty string' };
      return value.startsWith('/') ? { value } : { message: `log path must be absolute: ${value} is not absolute` };
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { message: 'must be true or false' };
    case 'count':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? { value } : { message: 'must be an integer ≥ 0' };
    case 'milliseconds':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? { value } : { message: 'must be an integer of milliseconds ≥ 1' };
    case 'duration': {
      const ns = typeof value === 'string' ? parseDuration(value) : undefined;
      return ns !== undefined && ns > 0 ? { value: Math.max(1, Math.round(ns / 1e6)) } : { message: 'must be a duration such as "10s" or "500ms"' };
    }
    case 'file-mode': {
      const mode = fileMode(value);
      if (mode === undefined) return { message: 'must be a file mode: 0644 in YAML, "0644" in JSON5', hint: 'octal permission bits' };
      return (mode & 0o200) === 0 ? { message: `invalid file mode ${goFileMode(mode)}, must be user writable` } : { value: mode };
    }
    case 'string-map':
      return isObject(value) && Object.values(value).every((v) => typeof v === 'string') ? { value } : { message: 'must be a map of strings' };
    case 'string-list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? { value } : { message: 'must be a list of strings' };
    case 'template':
      if (typeof value !== 'string') return { message: 'must be a Go template string' };
      try {
        compileTemplate(value, { name });
        return { value };
      } catch (error) {
        if (!(error instanceof PunchlineError)) throw error;
        return { message: error.message, ...(error.hint !== undefined && { hint: error.hint }) };
      }
    case 'algorithm':
      return value === 'crc32' || value === 'murmur2' || value === 'fnv-1a' ? { value } : { message: 'must be one of crc32, murmur2, fnv-1a' };
  }
}

function typedOptions(kind: HandlerKind, o: Readonly<Record<string, unknown>>): HandlerSpec['options'] {
  const str = (name: string): string | undefined => o[name] as string | undefined;
  switch (kind) {
    case 'log':
      return { path: o.path as string, mode: (o.mode as number | undefined) ?? 0o600 } satisfies LogOptions;
    case 'post':
      return {
        url: o.url as string,
        headers: (o.headers as Record<string, string> | undefined) ?? {},
        ...(str('alert-template') !== undefined && { alertTemplate: str('alert-template') }),
        timeoutMs: (o.timeout as number | undefined) ?? 10_000,
        retries: (o.retries as number | undefined) ?? 2,
        retryBackoffMs: (o.retry_backoff_ms as number | undefined) ?? 500,
      } satisfies PostOptions;
    case 'exec':
      return { prog: o.prog as string, args: (o.args as string[] | undefined) ?? [], timeoutMs: (o.timeout_ms as number | undefined) ?? 10_000 } satisfies ExecOptions;
    case 'tcp':
      return { address: o.address as string, timeoutMs: (o.timeout_ms as number | undefined) ?? 10_000 } satisfies TcpOptions;
    case 'kafka':
      return {
        ...(str('cluster') !== undefined && { cluster: str('cluster') }),
        topic: o.topic as string,
        ...(str('template') !== undefined && { template: str('template') }),
        disablePartitionById: (o.disablePartitionById as boolean | undefined) ?? false,
        partitionAlgorithm: (o.partitionAlgorithm as KafkaOptions['partitionAlgorithm'] | undefined) ?? 'crc32',
      } satisfies KafkaOptions;
  }
}

/**
 * Checks the value of one spec file. Gives the spec when there is no problem. `taken` holds the
 * `topic/id` of the specs already loaded: Kapacitor refuses a second handler with the same id on
 * a topic.
 */
export function checkHandlerSpec(value: unknown, taken: ReadonlySet<string>): { spec?: HandlerSpec; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  if (!isObject(value)) return { problems: [{ pointer: '', message: 'a handler spec is a map with id, topic, kind, options and optionally match' }] };
  for (const key of Object.keys(value)) {
    if (!['id', 'topic', 'kind', 'options', 'match'].includes(key)) problems.push({ pointer: `/${escapePointer(key)}`, message: `unknown key "${key}"`, hint: suggestName(key, ['id', 'topic', 'kind', 'options', 'match']) });
  }
  const { id, topic, kind, options = {}, match } = value;
  if (typeof topic !== 'string' || !VALID_TOPIC_ID.test(topic)) {
    problems.push({ pointer: '/topic', message: `handler topic must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(typeof id === 'string' ? id : '')}` });
  }
  if (typeof id !== 'string' || !VALID_HANDLER_ID.test(id)) {
    problems.push({ pointer: '/id', message: `handler ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(typeof id === 'string' ? id : '')}` });
  } else if (typeof topic === 'string' && taken.has(`${topic}/${id}`)) {
    problems.push({ pointer: '/id', message: `cannot register handler, handler with ID ${JSON.stringify(id)} already exists`, hint: `another spec of topic "${topic}" has this id` });
  }
  let known: HandlerKind | undefined;
  if (typeof kind !== 'string' || kind === '') problems.push({ pointer: '/kind', message: 'handler Kind must not be empty' });
  else if (!(HANDLER_KINDS as readonly string[]).includes(kind)) problems.push({ pointer: '/kind', message: `unsupported action kind ${JSON.stringify(kind)}`, hint: suggestName(kind, HANDLER_KINDS) });
  else known = kind as HandlerKind;
  const checked: Record<string, unknown> = {};
  if (!isObject(options)) problems.push({ pointer: '/options', message: 'must be a map of options' });
  else if (known !== undefined) {
    const rules = OPTION_RULES[known];
    for (const [name, option] of Object.entries(options)) {
      const rule = rules[name];
      const pointer = `/options/${escapePointer(name)}`;
      if (rule === undefined) {
        problems.push({ pointer, message: `unknown option "${name}" of a ${known} handler`, hint: suggestName(name, Object.keys(rules)) });
        continue;
      }
      const result = checkOption(name, rule.type, option);
      if ('message' in result) problems.push({ pointer, ...result });
      else checked[name] = result.value;
    }
    for (const [name, rule] of Object.entries(rules)) {
      if (rule.required === true && options[name] === undefined) problems.push({ pointer: '/options', message: `a ${known} handler needs the option "${name}"` });
    }
  }
  let compiledMatch: HandlerMatch | undefined;
  if (match !== undefined && match !== '') {
    if (typeof match !== 'string') problems.push({ pointer: '/match', message: 'must be a lambda expression (a string)' });
    else {
      try {
        compiledMatch = compileHandlerMatch(match);
      } catch (error) {
        if (!(error instanceof PunchlineError)) throw error;
        problems.push({ pointer: '/match', message: `invalid match expression ${error.message}`, ...(error.hint !== undefined && { hint: error.hint }) });
      }
    }
  }
  if (problems.length > 0 || known === undefined) return { problems };
  return { spec: { id: id as string, topic: topic as string, kind: known, options: typedOptions(known, checked), ...(compiledMatch !== undefined && { match: compiledMatch }) } as HandlerSpec, problems };
}
