/**
 * A problem found in a declaration beyond what its schema says: a node's settings, a lambda, a
 * cluster reference. Libraries report them in this shape; `punchline validate` locates them in
 * the file by their JSON pointer.
 */
export interface SettingsProblem {
  /** JSON pointer relative to the node's declaration in the dag, e.g. `/settings/crit`. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
  readonly severity: 'error' | 'warning';
}

