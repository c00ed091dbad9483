import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/app/_server/session";
import { LoginForm } from "@/components/login/login-form";
import { BrandMark } from "@/components/shell/brand-mark";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await currentUser()) redirect("/");
  const { callbackUrl } = await searchParams;

  return (
    <main className="login-page">
      <div className="login-card">
        <div className="brand">
          <BrandMark />
          Tidewatch
        </div>
        <div>
          <h1>Log in</h1>
          <p className="muted">Network anomaly detection for your SOC.</p>
        </div>
        <LoginForm callbackUrl={typeof callbackUrl === "string" ? callbackUrl : undefined} />
      </div>
    </main>
  );
}
