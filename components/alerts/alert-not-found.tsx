import Link from "next/link";

export function AlertNotFound() {
  return (
    <div className="page">
      <div className="panel empty-state" role="alert">
        <h1>Alert not found</h1>
        <p>It may have been removed, or the link is wrong.</p>
        <p>
          <Link href="/">Back to the overview</Link>
        </p>
      </div>
    </div>
  );
}
