#!/usr/bin/env node
// The `talks-bot` command. Compiled to dist/src/bin.js (`npm run build`, which `npm install` runs), it is what
// src/talks-bot.js, the package's bin and `npm start`, runs; `npm run dev` runs this file through tsx.
import { main } from "./cli/main.js";

// A reader that goes away (`talks-bot ask --json < questions.txt | head -1`) closes the pipe: the next write
// fails with EPIPE, which Node reports as an unhandled 'error' event with a stack trace. The reader has what it
// wanted, so stop quietly, as `head`'s other writers do. A closed stderr only loses messages: keep going.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  process.stderr.write(`talks-bot: cannot write the output: ${error.message}\n`);
  process.exit(1);
});
process.stderr.on("error", () => {});

process.exitCode = await main(process.argv.slice(2));
