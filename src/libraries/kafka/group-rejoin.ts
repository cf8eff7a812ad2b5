/**
 * How a group member joins its group again after its client library gave up rejoining on an error
 * a retry can fix (a coordinator unreachable longer than the library's retries last): from 1 s,
 * doubled, up to 30 s (kafkajs' longest retry delay), for as long as it takes; the outage logged at
 * most once a minute while it lasts, and its end once ("back in group"). Both group consumers
 * (kafkajs and @platformatic/kafka) keep one of these, so an outage reads the same on either.
 */
import type { Logger } from 'pino';

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
/** While the member is out of its group, one warning a minute at most. */
const LOG_INTERVAL_MS = 60_000;

/** A failed join as the log tells it: the sentence, and the fields that go with it. */
export interface JoinFailure {
  readonly text: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export class GroupRejoin {
  readonly #logger: Logger;
  readonly #topic: string;
  readonly #groupId: string;
  #outage: { readonly since: number; failures: number; loggedAt: number; timer: NodeJS.Timeout | undefined } | undefined;
  #stopped = false;

  constructor(logger: Logger, topic: string, groupId: string) {
    this.#logger = logger;
    this.#topic = topic;
    this.#groupId = groupId;
  }

  /**
   * A join failed with a retriable error: `join` runs again after the next delay. True when this
   * failure begins the outage (the caller then tells its handlers, once); later ones are logged
   * at most once a minute, described by `describe` only then.
   */
  failed(join: () => void, describe: () => JoinFailure): boolean {
    const now = Date.now();
    const began = this.#outage === undefined;
    const outage = (this.#outage ??= { since: now, failures: 0, loggedAt: now, timer: undefined });
    if (!began && now - outage.loggedAt >= LOG_INTERVAL_MS) {
      outage.loggedAt = now;
      const { text, fields } = describe();
      this.#logger.warn(
        { topic: this.#topic, groupId: this.#groupId, ...fields, attempts: outage.failures, outageSeconds: Math.round((now - outage.since) / 1000) },
        `${text}; still joining the group again`,
      );
    }
    const delay = Math.min(FIRST_DELAY_MS * 2 ** outage.failures, MAX_DELAY_MS);
    outage.failures++;
    outage.timer = setTimeout(() => {
      if (!this.#stopped) join();
    }, delay);
    return began;
  }

  /** The member joined: an outage it was rejoining through is over, and the log says so. */
  joined(): void {
    const outage = this.#outage;
    if (outage === undefined) return;
    this.#outage = undefined;
    clearTimeout(outage.timer);
    this.#logger.info(
      { topic: this.#topic, groupId: this.#groupId, outageSeconds: Math.round((Date.now() - outage.since) / 1000), attempts: outage.failures },
      `back in group "${this.#groupId}" on topic "${this.#topic}": reading on`,
    );
  }

  /** The member leaves: no join is attempted any more. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#outage?.timer);
  }
}
