// Preloaded (`node --require`) into a child process by tests that check what it loads: at exit, writes the
// names of the npm packages in the CommonJS module cache (discord.js, pg, better-sqlite3, pino, yaml and
// gray-matter are CommonJS, so each one loaded, by `import` or `require`, is listed) to LOADED_PACKAGES_FILE.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
    if (match?.[1]) names.add(match[1].replace(/\\/g, "/"));
  }
  writeFileSync(process.env.LOADED_PACKAGES_FILE, [...names].sort().join("\n"));
});
