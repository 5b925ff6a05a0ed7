/** Every CLI command, in the order `markers --help` lists them. */
import type { Command } from '../command.js';
import { list } from './list.js';
import { ps } from './ps.js';
import { stats } from './stats.js';

export const COMMANDS: readonly Command[] = [ps, list, stats];
