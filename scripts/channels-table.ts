// Writes the table of Node's own channels as markers, generated from the
// catalogue (src/channels/catalogue.ts), into README.md. `--check` only
// says whether the README is up to date (exit 1 if not).
//   node --import tsx scripts/channels-table.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withTable } from '../src/channels/table.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const text = readFileSync(README, 'utf8');
const next = withTable(text);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('README.md: the channels table is out of date; run npm run docs:channels');
    process.exit(1);
  }
} else if (next !== text) {
  writeFileSync(README, next);
  console.log('README.md: channels table updated');
}
