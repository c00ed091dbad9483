/** Placeholder rows while a list loads. */
export function SkeletonRows({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div className="stack" aria-label={label} role="status">
      {Array.from({ length: rows }, (_, i) => (
        <span key={i} className="skeleton" style={{ height: "1.6rem" }} />
      ))}
    </div>
  );
}
