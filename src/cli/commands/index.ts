/** Every CLI command, in the order `markers --help` lists them. */
import type { Command } from '../command.js';
import { convertCommand } from './convert.js';
import { list } from './list.js';
import { load } from './load.js';
import { probes } from './probes.js';
import { ps } from './ps.js';
import { report } from './report.js';
import { stats } from './stats.js';
import { unload } from './unload.js';
import { viewCommand } from './view.js';

export const COMMANDS: readonly Command[] = [
  ps,
  list,
  stats,
  load,
  unload,
  probes,
  report,
  viewCommand,
  convertCommand,
];
