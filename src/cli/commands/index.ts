/** Every CLI command, in the order `markers --help` lists them. */
import type { Command } from '../command.js';
import { convertCommand } from './convert.js';
import { viewCommand } from './view.js';

export const COMMANDS: readonly Command[] = [viewCommand, convertCommand];
