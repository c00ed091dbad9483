import type { Metadata } from "next";
import { DeviceDetail, DeviceNotFound } from "@/components/devices/device-detail";

interface DevicePageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: DevicePageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Device ${id}` };
}

export default async function DevicePage({ params }: DevicePageProps) {
  const { id } = await params;
  const deviceId = /^\d{1,10}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(deviceId) || deviceId <= 0 || deviceId > 2_147_483_647) return <DeviceNotFound />;
  return <DeviceDetail id={deviceId} />;
}
