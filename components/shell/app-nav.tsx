"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

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

/** The main navigation; the current section is marked with aria-current. Alert pages belong to Overview. */
export function AppNav() {
  const pathname = usePathname() ?? "/";
  const isCurrent = (href: string) =>
    href === "/" ? pathname === "/" || pathname.startsWith("/alerts/") : pathname === href || pathname.startsWith(`${href}/`);

  return (
    <nav aria-label="Main">
      <ul className="nav-list">
        {NAV_ITEMS.map((item) => (
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
