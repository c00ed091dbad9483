// Stops the BGP lab playwright.config.ts started (runner process), after the app has stopped.
import { stopE2eBgpLab } from "./bgp-lab";

export default async function globalTeardown(): Promise<void> {
  await stopE2eBgpLab();
}
