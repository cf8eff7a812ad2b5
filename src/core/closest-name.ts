/**
 * "Did you mean …?" for typos in setting names, node types, components and streams: the known
 * name at the smallest edit distance, when it is close enough to be a plausible typo.
 */

/** Edit distance where swapping two adjacent letters counts as one edit, as typos usually do. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest of `candidates` to `name`, or undefined when none is within a third of its length. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean "x"?` or a list of the valid names when nothing is close. */
export function suggestName(name: string, candidates: readonly string[]): string {
  const close = closestName(name, candidates);
  if (close !== undefined) return `did you mean "${close}"?`;
  return candidates.length === 0 ? 'none are declared' : `known: ${candidates.join(', ')}`;
}
