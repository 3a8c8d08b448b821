/** A file that throws while it is imported. */
const table: Record<string, number> = {};
if (table.missing === undefined) throw new Error('temporal-affine: broken at import');

/** Never reached. */
export function temporalAffineForward(): number {
  return 1;
}
