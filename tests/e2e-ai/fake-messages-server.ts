// The fake Messages API as a process of its own, for the AI end-to-end run (playwright.ai.config.ts).
import { FakeMessagesApi } from "../integration/ai/fake-messages-api";

const port = Number(process.env.FAKE_ANTHROPIC_PORT ?? 3299);
const fake = await new FakeMessagesApi().start(port);
process.stdout.write(`fake Messages API at ${fake.url}\n`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
