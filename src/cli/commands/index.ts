/** Every CLI command, in the order `markers --help` lists them. */
import type { Command } from '../command.js';
import { convertCommand } from './convert.js';
import { count } from './count.js';
import { disable, enable } from './enable.js';
import { hist } from './hist.js';
import { latency } from './latency.js';
import { list } from './list.js';
import { load } from './load.js';
import { metrics } from './metrics.js';
import { probes } from './probes.js';
import { ps } from './ps.js';
import { record } from './record.js';
import { report } from './report.js';
import { run } from './run.js';
import { snapshot } from './snapshot.js';
import { stats } from './stats.js';
import { tail } from './tail.js';
import { unload } from './unload.js';
import { viewCommand } from './view.js';

export const COMMANDS: readonly Command[] = [
  ps,
  list,
  enable,
  disable,
  snapshot,
  tail,
  record,
  stats,
  count,
  hist,
  latency,
  load,
  unload,
  probes,
  report,
  run,
  viewCommand,
  convertCommand,
  metrics,
];
