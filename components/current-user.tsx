"use client";
// The signed-in user, read once by the (app) layout on the server and shared with client
// components (who may give feedback, who is shown in the nav). The API enforces roles again.
import { createContext, useContext, type ReactNode } from "react";
import type { PublicUser } from "@/lib/db/user-queries";

const CurrentUserContext = createContext<PublicUser | null>(null);

export function CurrentUserProvider({ user, children }: { user: PublicUser; children: ReactNode }) {
  return <CurrentUserContext.Provider value={user}>{children}</CurrentUserContext.Provider>;
}

export function useCurrentUser(): PublicUser {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error("useCurrentUser() must be used inside the signed-in (app) layout");
  return user;
}
