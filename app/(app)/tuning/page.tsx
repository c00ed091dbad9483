import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/not-built-yet";

export const metadata: Metadata = { title: "Tuning" };

export default function TuningPage() {
  return (
    <NotBuiltYet
      title="Tuning"
      plan="This page will let admins adjust detector sensitivity and thresholds and preview how many alerts each setting would have raised."
    />
  );
}
