// Preloaded (`node --require`) into a one-shot CLI process: at exit, writes the process's CPU time (user and
// system, all threads, in microseconds) and peak RSS (KiB) as JSON to CPU_AT_EXIT_FILE.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  writeFileSync(process.env.CPU_AT_EXIT_FILE, JSON.stringify({ userCPUTime, systemCPUTime, maxRSS }));
});
