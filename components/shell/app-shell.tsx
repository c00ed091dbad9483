import Link from "next/link";
import type { ReactNode } from "react";
import type { PublicUser } from "@/lib/db/user-queries";
import { LiveEvents } from "@/components/live-events";
import { AppNav } from "./app-nav";
import { BrandMark } from "./brand-mark";
import { LogOutButton } from "./log-out-button";
import { ThemeToggle } from "./theme-toggle";

/** Sidebar (brand, navigation, live status, user) and the main area of every signed-in page. */
export function AppShell({ user, children }: { user: PublicUser; children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="sidebar">
        <Link className="brand" href="/">
          <BrandMark />
          Tidewatch
        </Link>
        <AppNav />
        <div className="sidebar-footer">
          <LiveEvents />
          <div className="user-card" data-testid="current-user">
            <span className="user-name" title={user.email}>
              {user.name}
            </span>
            <span className="user-role">{user.role}</span>
          </div>
          <ThemeToggle />
          <LogOutButton />
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
