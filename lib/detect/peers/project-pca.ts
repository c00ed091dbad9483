// PCA for the 2-D picture of the peer groups: every device on the matrix's first two principal components.
import { PCA } from "ml-pca";

/**
 * First two principal components of the matrix (ml-pca, SVD, centred, not rescaled: the columns are
 * already in σ units). Each axis is signed so its largest loading is positive: an eigenvector's sign is
 * arbitrary, and the picture should not mirror between runs on similar data.
 */
export function projectPca(rows: number[][]): { points: [number, number][]; explained: [number, number] } {
  const n = rows.length;
  const width = rows[0]?.length ?? 0;
  const zeros = (): { points: [number, number][]; explained: [number, number] } => ({
    points: rows.map(() => [0, 0]),
    explained: [0, 0],
  });
  if (n < 2 || width === 0) return zeros();
  const pca = new PCA(rows, { center: true, scale: false });
  const vectors = pca.getEigenvectors();
  const components = Math.min(2, vectors.columns);
  if (components === 0) return zeros();
  const projected = pca.predict(rows, { nComponents: components });
  const signs = [1, 1];
  for (let c = 0; c < components; c++) {
    let largest = 0;
    for (let r = 0; r < vectors.rows; r++) {
      const loading = vectors.get(r, c);
      if (Math.abs(loading) > Math.abs(largest)) largest = loading;
    }
    signs[c] = largest < 0 ? -1 : 1;
  }
  const points = rows.map((_, i): [number, number] => [
    clean(signs[0]! * projected.get(i, 0)),
    components > 1 ? clean(signs[1]! * projected.get(i, 1)) : 0,
  ]);
  const variance = pca.getExplainedVariance();
  return { points, explained: [variance[0] ?? 0, components > 1 ? (variance[1] ?? 0) : 0] };
}

/** −0 and float dust would make deterministic output compare unequal across platforms for no reason. */
function clean(x: number): number {
  return Math.abs(x) < 1e-12 ? 0 : x;
}
