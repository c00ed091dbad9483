import type { Metadata } from "next";
import { AlertDetail } from "@/components/alerts/alert-detail";
import { AlertNotFound } from "@/components/alerts/alert-not-found";

interface AlertPageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: AlertPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Alert ${id}` };
}

export default async function AlertPage({ params }: AlertPageProps) {
  const { id } = await params;
  const alertId = /^\d{1,15}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(alertId) || alertId <= 0) return <AlertNotFound />;
  return <AlertDetail id={alertId} />;
}
