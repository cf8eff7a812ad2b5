/**
 * Where a record goes: which cluster and which topic, decided per tuple in a fixed precedence,
 * highest first:
 * 1. the override field (`topic_field` / `topic_field_path`), when the tuple has a non-empty text
 *    there (RudderStack: the event's integrations object wins over the dashboard settings);
 * 2. the first routing rule whose `match` lambda is true (Healthbot's severity routing,
 *    RudderStack's event-type and track-event maps), possibly naming another cluster;
 * 3. the primary destination, exactly one of: a static `topic` (Kapacitor), a `topic_template`
 *    over the tuple's fields (Healthbot's `<group>.<device>.<topic>.<rule>.<trigger>`), or a
 *    topic per stream (Punch's `topics`).
 *
 * Settings are separate names rather than one polymorphic `topic`, so each can be validated and
 * documented on its own; {@link checkDestination} makes sure exactly one primary is given.
 * A destination that cannot be decided, or a topic name Kafka would refuse, is a rejection: the
 * record can never be written as it is, so it goes to `_ppf_errors` instead of failing forever.
 */
import type { Fields, SettingsProblem, Tuple } from '../../src/runtime/node-api.js';
import type { PlatformConfig } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { describeValue } from '../../src/libraries/codecs/describe-value.js';
import { checkClusterReference } from '../../src/libraries/kafka/cluster-resolution.js';
import { compileLambda, LambdaEvaluationError } from '../../src/libraries/lambda/index.js';
import type { CompiledLambda } from '../../src/libraries/lambda/index.js';
import { compileTemplate } from '../../src/libraries/template/index.js';
import type { CompiledTemplate } from '../../src/libraries/template/index.js';
import { describeFieldPath, readFieldPath } from './field-path.js';
import type { FieldPath } from './field-path.js';
import { RecordRejection } from './record-rejection.js';
import type { KafkaOutputSettings } from './settings.generated.js';

/** A record's destination. `cluster` undefined is the node's own cluster. */
export interface Destination {
  readonly cluster: string | undefined;
  readonly topic: string;
}

/** Kafka's own limit on topic names. */
const MAX_TOPIC_LENGTH = 249;
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;

/**
 * Why `name` is not a topic name Kafka accepts (empty, `.` or `..`, too long, or characters other
 * than ASCII letters, digits, `.`, `_` and `-`), or undefined when it is one.
 */
export function illegalTopicReason(name: string): string | undefined {
  if (name.length === 0) return 'a topic name cannot be empty';
  if (name === '.' || name === '..') return `a topic name cannot be "${name}"`;
  if (name.length > MAX_TOPIC_LENGTH) return `a topic name has at most ${MAX_TOPIC_LENGTH} characters, this one ${name.length}`;
  if (!LEGAL_TOPIC.test(name)) return 'a topic name holds only ASCII letters, digits, ".", "_" and "-"';
  return undefined;
}

/** The primary destination settings, in the order they are documented. */
const PRIMARY = ['topic', 'topic_template', 'topics'] as const;

/** The settings this module reads. */
type DestinationSettings = Pick<KafkaOutputSettings, 'topic' | 'topic_template' | 'topics' | 'routes' | 'topic_field' | 'topic_field_path' | 'brokers' | 'cluster' | 'bootstrap.servers'>;

/** Compiles a routing rule's lambda as a condition. */
function compileMatch(source: string): CompiledLambda {
  const lambda = compileLambda(source, { predicate: true });
  if (lambda.stateful) {
    throw new PunchlineError('E_LAMBDA', 'sigma, count and spread keep state across tuples and cannot choose a topic', {
      hint: 'compute the value in an upstream bolt and match on its field',
    });
  }
  return lambda;
}

function compileTopicTemplate(source: string): CompiledTemplate {
  return compileTemplate(source, { name: 'topic_template' });
}

/** The problems of the destination settings: one primary, compilable lambdas and template, legal static names, known clusters. */
export function checkDestination(settings: DestinationSettings, platform: PlatformConfig): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const given = PRIMARY.filter((name) => settings[name] !== undefined);
  if (given.length === 0) {
    problems.push({ path: '/settings', message: 'no destination topic: give one of "topic", "topic_template" or "topics"', hint: 'routes and topic_field only override a primary destination', severity: 'error' });
  } else if (given.length > 1) {
    problems.push({ path: `/settings/${given[1] ?? ''}`, message: `"${given.join('" and "')}" are both primary destinations: give only one`, severity: 'error' });
  }
  if (settings.brokers !== undefined && settings.cluster !== undefined) {
    problems.push({ path: '/settings/cluster', message: '"brokers" and "cluster" both name the cluster: give only one', severity: 'error' });
  }
  problems.push(...checkClusterReference({ clusterId: settings.brokers ?? settings.cluster, bootstrapServers: settings['bootstrap.servers'], path: settings.cluster === undefined ? '/settings/brokers' : '/settings/cluster' }, platform));
  const checkName = (name: string, path: string): void => {
    const reason = illegalTopicReason(name);
    if (reason !== undefined) problems.push({ path, message: `"${name}" is not a legal topic name: ${reason}`, severity: 'error' });
  };
  if (settings.topic !== undefined) checkName(settings.topic, '/settings/topic');
  settings.topics?.forEach((entry, index) => checkName(entry.topic, `/settings/topics/${index}/topic`));
  const streams = new Set<string>();
  settings.topics?.forEach((entry, index) => {
    if (streams.has(entry.stream)) problems.push({ path: `/settings/topics/${index}/stream`, message: `stream "${entry.stream}" is listed twice`, severity: 'error' });
    streams.add(entry.stream);
  });
  if (settings.topic_template !== undefined) {
    try {
      compileTopicTemplate(settings.topic_template);
    } catch (error) {
      problems.push({ path: '/settings/topic_template', message: (error as Error).message, severity: 'error', ...withHint(error) });
    }
  }
  settings.routes.forEach((route, index) => {
    checkName(route.topic, `/settings/routes/${index}/topic`);
    try {
      compileMatch(route.match);
    } catch (error) {
      problems.push({ path: `/settings/routes/${index}/match`, message: (error as Error).message, severity: 'error', ...withHint(error) });
    }
    if (route.cluster !== undefined) problems.push(...checkClusterReference({ clusterId: route.cluster, path: `/settings/routes/${index}/cluster` }, platform));
  });
  return problems;
}

function withHint(error: unknown): { hint?: string } {
  return error instanceof PunchlineError && error.hint !== undefined ? { hint: error.hint } : {};
}

/** The fields the destination settings read, with where they are named, for the graph check. */
export function destinationFieldsRead(settings: DestinationSettings): { field: string; path: string }[] {
  const reads: { field: string; path: string }[] = [];
  if (settings.topic_field !== undefined) reads.push({ field: settings.topic_field, path: '/settings/topic_field' });
  settings.routes.forEach((route, index) => {
    try {
      for (const reference of compileMatch(route.match).references) {
        // A field only tested with isPresent() may legitimately be absent from the stream.
        if (!reference.presenceOnly) reads.push({ field: reference.field, path: `/settings/routes/${index}/match` });
      }
    } catch {
      // Reported by checkDestination.
    }
  });
  return reads;
}

/**
 * The topics known before any tuple arrives (static `topic`, per-stream topics, route topics),
 * with their cluster: the node makes sure they exist when it starts.
 */
export function staticDestinations(settings: DestinationSettings): Destination[] {
  const out: Destination[] = [];
  const add = (cluster: string | undefined, topic: string): void => {
    if (!out.some((d) => d.cluster === cluster && d.topic === topic)) out.push({ cluster, topic });
  };
  if (settings.topic !== undefined) add(undefined, settings.topic);
  for (const entry of settings.topics ?? []) add(undefined, entry.topic);
  for (const route of settings.routes) add(route.cluster, route.topic);
  return out;
}

interface CompiledRoute {
  readonly match: CompiledLambda;
  readonly destination: Destination;
}

/**
 * Decides the destination of each tuple. Built once per node instance: lambdas and the template
 * are compiled here, never per tuple.
 */
export class DestinationRouter {
  readonly #override: FieldPath | undefined;
  readonly #routes: readonly CompiledRoute[];
  readonly #primary: (tuple: Tuple) => Destination | RecordRejection;
  readonly #onRuleFailure: (index: number, error: LambdaEvaluationError) => void;

  /**
   * @param onRuleFailure told when a rule's lambda fails on a tuple (it then does not match).
   * @throws {PunchlineError} when a lambda or the template does not compile (validation reports it first).
   */
  constructor(settings: DestinationSettings, onRuleFailure: (index: number, error: LambdaEvaluationError) => void) {
    this.#override = settings.topic_field === undefined ? undefined : { field: settings.topic_field, path: settings.topic_field_path };
    this.#routes = settings.routes.map((route) => ({ match: compileMatch(route.match), destination: { cluster: route.cluster, topic: route.topic } }));
    this.#onRuleFailure = onRuleFailure;
    this.#primary = primaryDestination(settings);
  }

  /** The destination of `tuple`, or why it has none. */
  route(tuple: Tuple): Destination | RecordRejection {
    const decided = this.#decide(tuple);
    if (decided instanceof RecordRejection) return decided;
    const reason = illegalTopicReason(decided.topic);
    if (reason === undefined) return decided;
    // Go templates print a missing map key as <no value>: say so rather than only "illegal characters".
    const missing = decided.topic.includes('<no value>') ? ' (the topic template read a field this tuple does not have)' : '';
    return new RecordRejection('invalid_topic', `topic ${JSON.stringify(decided.topic)} is not legal: ${reason}${missing}`);
  }

  #decide(tuple: Tuple): Destination | RecordRejection {
    if (this.#override !== undefined) {
      const value = readFieldPath(tuple.fields, this.#override);
      if (typeof value === 'string' && value !== '') return { cluster: undefined, topic: value };
      if (value !== undefined && value !== null && value !== '') {
        return new RecordRejection('no_destination', `topic override ${describeFieldPath(this.#override)} holds ${describeValue(value)}, not a topic name`);
      }
    }
    if (this.#routes.length > 0) {
      const now = Date.now();
      for (let index = 0; index < this.#routes.length; index++) {
        const route = this.#routes[index] as CompiledRoute;
        if (this.#matches(route, index, tuple.fields, now)) return route.destination;
      }
    }
    return this.#primary(tuple);
  }

  #matches(route: CompiledRoute, index: number, fields: Fields, now: number): boolean {
    try {
      return route.match.test(fields, now);
    } catch (error) {
      if (!(error instanceof LambdaEvaluationError)) throw error;
      this.#onRuleFailure(index, error);
      return false;
    }
  }
}

function primaryDestination(settings: DestinationSettings): (tuple: Tuple) => Destination | RecordRejection {
  if (settings.topic !== undefined) {
    const fixed: Destination = { cluster: undefined, topic: settings.topic };
    return () => fixed;
  }
  if (settings.topic_template !== undefined) {
    const template = compileTopicTemplate(settings.topic_template);
    return (tuple) => {
      try {
        return { cluster: undefined, topic: template.render(tuple.fields) };
      } catch (error) {
        return new RecordRejection('no_destination', `topic_template: ${(error as Error).message}`);
      }
    };
  }
  if (settings.topics !== undefined) {
    const byStream = new Map(settings.topics.map((entry) => [entry.stream, { cluster: undefined, topic: entry.topic } satisfies Destination]));
    return (tuple) => byStream.get(tuple.stream) ?? new RecordRejection('no_destination', `stream "${tuple.stream}" has no topic in "topics"`);
  }
  throw new PunchlineError('E_CONFIG_INVALID', 'no destination topic: give one of "topic", "topic_template" or "topics"');
}
