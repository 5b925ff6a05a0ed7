/** Every CLI command, in the order `markers --help` lists them. */
import type { Command } from '../command.js';

export const COMMANDS: readonly Command[] = [];
