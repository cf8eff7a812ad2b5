/**
 * Kapacitor's alert inhibition (`.category()`, `.inhibit(category, tags…)`; alert/inhibit.go and
 * the alert service's lookup). An alert with `inhibit` gives each of its groups one inhibitor per
 * inhibit entry: the entry's category and the group's values of the entry's tags. The inhibitor is
 * on while the group's level is not OK (updated whenever the group triggers, as Kapacitor's
 * `alertState.triggered`). An event of an alert whose category has an inhibitor on, all of whose
 * tag values equal the event's (a tag the event lacks counts as ""), is not emitted.
 *
 * One lookup holds the inhibitors of every alert sharing it: the alert bolt takes the run's (every
 * alert node and executor of one punchline process), as Kapacitor's alert service is the server's.
 */

/** An inhibit entry of an alert: the category it inhibits, and the tags that must be equal. */
export interface InhibitSpec {
  readonly category: string;
  readonly tags: readonly string[];
}

/** The inhibitor of one group for one inhibit entry. */
export class Inhibitor {
  /** Whether the group is at a level other than OK (as of its last trigger). */
  on = false;

  constructor(
    readonly category: string,
    /** The group's values of the entry's tags. */
    readonly tags: Readonly<Record<string, string>>,
  ) {}

  /** Whether it suppresses an event of `category` with these tags. */
  inhibits(category: string, tags: Readonly<Record<string, string>>): boolean {
    if (!this.on || category !== this.category) return false;
    for (const [name, value] of Object.entries(this.tags)) if ((tags[name] ?? '') !== value) return false;
    return true;
  }
}

/** The inhibitors of the alerts sharing it, by the category they inhibit. */
export class InhibitorLookup {
  private readonly byCategory = new Map<string, Inhibitor[]>();

  /** A new inhibitor for a group of tags `tags` (its values of `spec.tags` are kept), registered here. */
  add(spec: InhibitSpec, tags: Readonly<Record<string, string>>): Inhibitor {
    const values: Record<string, string> = {};
    for (const name of spec.tags) values[name] = tags[name] ?? '';
    const inhibitor = new Inhibitor(spec.category, values);
    const list = this.byCategory.get(spec.category);
    if (list === undefined) this.byCategory.set(spec.category, [inhibitor]);
    else list.push(inhibitor);
    return inhibitor;
  }

  /** Whether an event of `category` with these tags is inhibited. */
  isInhibited(category: string, tags: Readonly<Record<string, string>>): boolean {
    for (const inhibitor of this.byCategory.get(category) ?? []) if (inhibitor.inhibits(category, tags)) return true;
    return false;
  }
}
