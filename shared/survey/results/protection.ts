/**
 * "Protected by construction": which groups and scale cells of a wave may be shown, decided from counts alone.
 * The rules (docs/survey.md, "Results", has them with the attacker model and why they suffice):
 *  1. a group is shown when it has >= min respondents and its parent group is shown (the top needs only the count);
 *  2. group remainder: for a shown group, its respondents minus those of its shown child groups is 0 or >= min; else
 *     its smallest shown child (ties: the earlier in registry order) rolls up, with every group below it, and again;
 *  3. a scale of a shown group is shown when it has >= min scale respondents, every item of the scale has >= min
 *     answers among them, and its skippers (the group's respondents minus the scale's) are 0 or >= min;
 *  4. a scale cell is hidden when all its scale respondents belong to one shown sub-group whose cell of that scale
 *     failed rule 3's skipper check (the two sets nest in this data, and differ by that group's skippers);
 *  5. scale and skipper remainders: for a shown cell, its scale respondents minus those of the nearest shown cells of
 *     that scale below it, and its skippers minus theirs, are each 0 or >= min; else the smallest of those cells
 *     rolls up (with every cell of that scale below it), and again. With no shown cell below, these are rule 3's
 *     checks, so the roll-ups end with the cell shown.
 * Every count derivable from shown group and scale counts is then a disjoint union of group remainders (2) and scale
 * and skipper remainders (5), each 0 or >= min, so it is itself 0 or >= min.
 */
import type { SuppressionReason } from './types.ts';

export interface CountTree {
  /** Parent index of each node (-1 for the top, node 0); nodes are in registry order after the top. */
  parent: readonly number[];
  /** Respondents of each node's whole subtree. */
  respondents: readonly number[];
  /** Per scale, per node (subtree): scale respondents and the fewest answers of any of the scale's items among them. */
  scales: readonly { respondents: readonly number[]; fewestItemAnswers: readonly number[] }[];
}

export type Decision = { shown: true } | { shown: false; reason: SuppressionReason };

export interface Protection {
  groups: Decision[];
  /** Per scale, per node; a node whose group is hidden has no scale decision that matters (its group shows nothing). */
  scales: Decision[][];
}

const SHOWN: Decision = { shown: true };
const hidden = (reason: SuppressionReason): Decision => ({ shown: false, reason });

export function protect(tree: CountTree, minGroupSize: number): Protection {
  const n = tree.parent.length;
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 1; i < n; i++) children[tree.parent[i]!]!.push(i);
  // Pre-order (parents before children, children in registry order): every rule works top down.
  const preorder: number[] = [];
  const stack = [0];
  while (stack.length) {
    const node = stack.pop()!;
    preorder.push(node);
    for (let c = children[node]!.length - 1; c >= 0; c--) stack.push(children[node]![c]!);
  }
  const small = (count: number) => count > 0 && count < minGroupSize;
  const subtree = (node: number, visit: (n: number) => void) => {
    const todo = [node];
    while (todo.length) {
      const x = todo.pop()!;
      visit(x);
      todo.push(...children[x]!);
    }
  };
  /** Rolls up the smallest of `shown` (ties: registry order) until `total - sum(shown)` is 0 or >= min. */
  const rollUp = (total: number, shown: number[], count: (node: number) => number, hide: (node: number) => void) => {
    let rest = total - shown.reduce((s, c) => s + count(c), 0);
    while (small(rest) && shown.length) {
      let pick = 0;
      for (let i = 1; i < shown.length; i++) {
        const a = count(shown[i]!);
        const b = count(shown[pick]!);
        if (a < b || (a === b && shown[i]! < shown[pick]!)) pick = i;
      }
      const [gone] = shown.splice(pick, 1);
      rest += count(gone!);
      hide(gone!);
    }
  };

  // Rules 1 and 2: groups.
  const G = tree.respondents;
  const groups: Decision[] = new Array<Decision>(n);
  groups[0] = G[0]! >= minGroupSize ? SHOWN : hidden('too_few_respondents');
  for (const p of preorder) {
    const kids = children[p]!;
    if (!groups[p]!.shown) {
      for (const c of kids) groups[c] = hidden(G[c]! >= minGroupSize ? 'complement' : 'too_few_respondents');
      continue;
    }
    const shown: number[] = [];
    for (const c of kids) {
      if (G[c]! >= minGroupSize) {
        groups[c] = SHOWN;
        shown.push(c);
      } else groups[c] = hidden('too_few_respondents');
    }
    rollUp(G[p]!, shown, (c) => G[c]!, (c) => (groups[c] = hidden('complement')));
  }

  // Rules 3 to 5: per scale.
  const scales = tree.scales.map(({ respondents: S, fewestItemAnswers }) => {
    const cells: Decision[] = Array.from({ length: n }, (_, u) => {
      if (!groups[u]!.shown) return hidden((groups[u] as { reason: SuppressionReason }).reason);
      if (S[u]! < minGroupSize) return hidden('too_few_respondents');
      if (fewestItemAnswers[u]! < minGroupSize) return hidden('too_few_item_answers');
      if (small(G[u]! - S[u]!)) return hidden('complement');
      return SHOWN;
    });
    // Rule 4: a cell whose scale respondents all belong to one shown sub-group whose cell of that scale failed the
    // cross-measure check would nest inside that sub-group's respondents, and the difference is that group's few
    // skippers. Decided on rule 3's outcome alone, so the order of the cells does not matter.
    const crossHidden = cells.map((c, u) => !c.shown && c.reason === 'complement' && groups[u]!.shown);
    for (const p of preorder) {
      if (!cells[p]!.shown) continue;
      let nested = false;
      subtree(p, (x) => {
        if (x !== p && crossHidden[x] && S[x] === S[p]) nested = true;
      });
      if (nested) cells[p] = hidden('complement');
    }
    // Cells rolled up by a shown cell above: they and everything below them stay hidden.
    const rolled = new Array<boolean>(n).fill(false);
    const rollCell = (node: number) =>
      subtree(node, (x) => {
        rolled[x] = true;
        if (cells[x]!.shown) cells[x] = hidden('complement');
      });
    for (const p of preorder) {
      if (!cells[p]!.shown) continue;
      // The nearest shown cells below p: through hidden cells that were not rolled up (a cell hidden by rule 3's
      // skipper check or by rule 4 may have shown cells below it).
      const frontier: number[] = [];
      const todo = [...children[p]!];
      while (todo.length) {
        const x = todo.shift()!;
        if (cells[x]!.shown) frontier.push(x);
        else if (!rolled[x]) todo.push(...children[x]!);
      }
      frontier.sort((a, b) => a - b);
      // Rule 5: rolling a cell up moves both its scale respondents and its skippers into p's remainders.
      const skippers = (u: number) => G[u]! - S[u]!;
      const remaindersOk = () =>
        !small(S[p]! - frontier.reduce((sum, f) => sum + S[f]!, 0)) && !small(skippers(p) - frontier.reduce((sum, f) => sum + skippers(f), 0));
      while (!remaindersOk() && frontier.length) {
        let pick = 0;
        for (let i = 1; i < frontier.length; i++) if (S[frontier[i]!]! < S[frontier[pick]!]!) pick = i;
        rollCell(frontier.splice(pick, 1)[0]!);
      }
    }
    return cells;
  });
  return { groups, scales };
}
