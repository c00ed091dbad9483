"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { can } from "@/lib/auth/roles";
import { useCurrentUser } from "@/components/current-user";

const NAV_ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/anomalies", label: "Anomalies" },
  { href: "/clusters", label: "Clusters" },
  { href: "/forecasts", label: "Forecasts" },
  { href: "/campaigns", label: "Campaigns" },
  { href: "/tuning", label: "Tuning" },
  { href: "/maintenance", label: "Maintenance" },
  { href: "/devices", label: "Devices" },
] as const;

/** Shown to admins only (everyone else would find a page that says they may not). */
const ADMIN_ITEMS = [
  { href: "/integrations", label: "Integrations" },
  { href: "/users", label: "Users" },
] as const;

/** The main navigation; the current section is marked with aria-current. Alert pages belong to Anomalies. */
export function AppNav() {
  const pathname = usePathname() ?? "/";
  const user = useCurrentUser();
  const items = can(user.role, "users:manage") ? [...NAV_ITEMS, ...ADMIN_ITEMS] : NAV_ITEMS;
  const isCurrent = (href: string) =>
    href === "/"
      ? pathname === "/"
      : pathname === href || pathname.startsWith(`${href}/`) || (href === "/anomalies" && pathname.startsWith("/alerts/"));

  return (
    <nav aria-label="Main">
      <ul className="nav-list">
        {items.map((item) => (
          <li key={item.href}>
            <Link className="nav-link" href={item.href} aria-current={isCurrent(item.href) ? "page" : undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
