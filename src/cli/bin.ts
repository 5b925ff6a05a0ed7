#!/usr/bin/env node
import { ExitCode } from './command.js';
import { main } from './main.js';

// `markers tail | head`: a closed pipe ends the command quietly, as for any Unix filter.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.OK);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    // Interrupted: what it waited for (a connection, a timer) must not keep it alive.
    if (code === ExitCode.INTERRUPTED) process.exit(code);
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`markers: ERR_UNEXPECTED: ${String(error)}\n`);
    process.exitCode = ExitCode.ERROR;
  },
);
