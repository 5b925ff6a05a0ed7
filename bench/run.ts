/**
 * The benchmark runner: `npm run bench -- [--node V]... [--filter TEXT]... [--quick] [--json] [--rounds N] [--list] [--no-gc]`.
 * Discovers the suites in bench/suites/, runs each selected case in a child
 * process of its own, one after another (never two at once: they would
 * share the 2 cores), and prints a table or JSON.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from './harness/args.js';
import { discoverSuites, selectCases } from './harness/discover.js';
import { type CaseOutcome, formatTable, toJson, verdictOf } from './harness/report.js';
import { runCase } from './harness/spawn.js';
import { runUnderNodes } from './harness/versions.js';

const USAGE = `usage: npm run bench -- [options]
  --node V        run everything under .runtimes/nodeV (20, 22, 24, 26, or all); repeatable
  --filter TEXT   run the cases whose id (suite/case) contains TEXT; repeatable
  --quick         few short rounds: a smoke test, not a measurement
  --rounds N      rounds per case (default 81, quick 9)
  --json          print one JSON document on stdout instead of the table
  --list          list the case ids and exit
  --no-gc         skip the gc() after each case's prepare (see docs/bench.md, Method)
example: npm run bench -- --filter disabled --filter dc-
         npm run bench -- --node all --filter core/`;

async function main(): Promise<number> {
  const delegated = await runUnderNodes(fileURLToPath(import.meta.url), process.argv.slice(2));
  if (delegated !== undefined) return delegated;
  const { values } = parseBenchArgs(
    {
      options: {
        filter: { type: 'string', multiple: true },
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        json: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        'no-gc': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && (!Number.isInteger(rounds) || rounds < 1)) {
    process.stderr.write(`--rounds wants a positive integer, got "${values.rounds}"\n${USAGE}\n`);
    return 2;
  }
  const suites = await discoverSuites(fileURLToPath(new URL('./suites/', import.meta.url)));
  const cases = selectCases(suites, values.filter ?? []);
  if (values.list) {
    for (const found of cases) process.stdout.write(`${found.id}\t${found.bench.title}\n`);
    return 0;
  }
  if (cases.length === 0) {
    process.stderr.write(`no case matches ${JSON.stringify(values.filter)}; try --list\n`);
    return 2;
  }

  const started = Date.now();
  const outcomes: CaseOutcome[] = [];
  for (const [index, found] of cases.entries()) {
    process.stderr.write(`[${index + 1}/${cases.length}] ${found.id}\n`);
    try {
      outcomes.push({
        found,
        result: await runCase(found, { quick: values.quick, rounds, gc: !values['no-gc'] }),
      });
    } catch (error) {
      outcomes.push({ found, error: error instanceof Error ? error.message : String(error) });
    }
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu,
    cpus: os.cpus().length,
    quick: values.quick,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  if (values.json) {
    process.stdout.write(`${toJson(outcomes, meta)}\n`);
  } else {
    const header = `markers bench — ${meta.date.slice(0, 10)}, Node ${meta.node} (V8 ${meta.v8}), ${meta.cpus} × ${cpu}${values.quick ? ', QUICK (smoke test, not a measurement)' : ''}, ${meta.seconds} s`;
    process.stdout.write(`${formatTable(outcomes, header)}\n`);
  }
  const failed = outcomes.some((o) => o.error !== undefined);
  const missed = outcomes.some((o) => verdictOf(o) === 'missed');
  return failed ? 1 : missed && !values.quick ? 3 : 0;
}

process.exitCode = await main();
