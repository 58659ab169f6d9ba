#!/usr/bin/env node
// The `talks-bot` command. Compiled to dist/src/bin.js (`npm run build`, which `npm install` runs), it is what
// src/talks-bot.js, the package's bin and `npm start`, runs; `npm run dev` runs this file through tsx.
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2));
