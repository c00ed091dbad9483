import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/app/_server/session";
import { CurrentUserProvider } from "@/components/current-user";
import { AppShell } from "@/components/shell/app-shell";

// Every signed-in page: the session is checked here, on the server, before anything renders.
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/login");

  return (
    <CurrentUserProvider user={user}>
      <AppShell user={user}>{children}</AppShell>
    </CurrentUserProvider>
  );
}
