// Loaded into the bot only by the memory benchmark's second run (`node --expose-gc --import …`): on SIGUSR2 it
// runs a full garbage collection and writes the live heap size to $TALKS_BOT_HEAP_PROBE, so the benchmark can
// tell a leak (live heap growing) from V8 keeping memory it grew once (RSS higher, live heap flat).
import { writeFileSync } from "node:fs";

const target = process.env.TALKS_BOT_HEAP_PROBE;
if (target && typeof globalThis.gc === "function") {
  process.on("SIGUSR2", () => {
    globalThis.gc();
    writeFileSync(target, String(process.memoryUsage().heapUsed));
  });
}
