/**
 * Which brokers of a cluster answered the clients made from one resolved cluster, and what they
 * answered. kafkajs errors name only the broker that failed; whether the others answer is not in
 * the error, so the client factory records every answered request (kafkajs' `network.request`
 * instrumentation event) here, and `translateKafkaError` reads it to tell "broker a refused
 * connections (b, c answered)" from "no broker answered".
 *
 * One instance belongs to one {@link ResolvedCluster} (made by `resolveCluster`): the clients a
 * node creates from it, and the errors it translates with it, share it. Nothing else does.
 */

/** The Kafka APIs only a consumer group's coordinator answers. */
const COORDINATOR_APIS: ReadonlySet<string> = new Set(['JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommit', 'OffsetFetch']);
/** The Kafka APIs only a partition's leader answers. */
const LEADER_APIS: ReadonlySet<string> = new Set(['Produce', 'Fetch', 'ListOffsets']);

/** What one broker was last seen doing for this client. */
interface Contact {
  at: number;
  readonly apis: Set<string>;
}

/** The role a broker played for this client, from the requests it answered. */
export type BrokerRole = 'group coordinator' | 'partition leader';

/** The answered requests of the clients of one resolved cluster, by broker `host:port`. */
export class BrokerContacts {
  readonly #contacts = new Map<string, Contact>();
  readonly #now: () => number;

  /** `now` is injectable for tests of pure logic; the default is the wall clock. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records that `broker` answered a request of API `apiName` (e.g. `Produce`, `Heartbeat`). */
  answered(broker: string, apiName: string): void {
    const contact = this.#contacts.get(broker);
    if (contact === undefined) {
      this.#contacts.set(broker, { at: this.#now(), apis: new Set([apiName]) });
      return;
    }
    contact.at = this.#now();
    contact.apis.add(apiName);
  }

  /** The brokers that answered within the last `windowMs`, in address order (sort them as needed). */
  answeredWithin(windowMs: number): string[] {
    const since = this.#now() - windowMs;
    return [...this.#contacts].filter(([, contact]) => contact.at >= since).map(([broker]) => broker).sort();
  }

  /** What `broker` was for this client, judged from the requests it ever answered. */
  rolesOf(broker: string): BrokerRole[] {
    const apis = this.#contacts.get(broker)?.apis ?? new Set<string>();
    const roles: BrokerRole[] = [];
    if ([...apis].some((api) => COORDINATOR_APIS.has(api))) roles.push('group coordinator');
    if ([...apis].some((api) => LEADER_APIS.has(api))) roles.push('partition leader');
    return roles;
  }
}
