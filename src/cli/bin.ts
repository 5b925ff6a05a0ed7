#!/usr/bin/env node
import { ExitCode } from './command.js';
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`markers: ERR_UNEXPECTED: ${String(error)}\n`);
    process.exitCode = ExitCode.ERROR;
  },
);
