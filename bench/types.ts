/** One line of `npm run bench`: a measured figure, its unit, and the target it is held to (if any). */
export interface BenchRow {
  /** Group, e.g. "bundle", "init", "startup", "forms". */
  group: string;
  /** What was measured, e.g. a function id or "critical incident review validations". */
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 150 KB". */
  target?: string;
  /** Whether the target holds; undefined where there is no target. */
  pass?: boolean;
}
