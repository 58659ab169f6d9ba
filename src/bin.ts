#!/usr/bin/env node
// The `talks-bot` command: `npm start`, `npx talks-bot` and the package scripts run its compiled form,
// dist/src/bin.js, which `npm install` builds (the `prepare` script). `npm run dev` runs this file through tsx.
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2));
