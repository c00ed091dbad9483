/** A page that exists in the navigation but is not built yet: says so, and what it will show. */
export function NotBuiltYet({ title, plan }: { title: string; plan: string }) {
  return (
    <div className="page not-built" data-testid="not-built-yet">
      <header className="page-header">
        <h1>{title}</h1>
      </header>
      <div className="panel panel-body">
        <p>Not built yet. {plan}</p>
      </div>
    </div>
  );
}
