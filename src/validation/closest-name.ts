/**
 * "Did you mean …?" for typos in setting names, node types, components and streams: the known
 * name at the smallest edit distance, when it is close enough to be a plausible typo.
 */

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
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
