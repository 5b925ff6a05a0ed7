/**
 * Assembles the control server's command table from each area's commands.
 * The control worker builds it once at start.
 */
import type { Coordinator } from '../threads/coordinator.js';
import { aggregateCommands } from './aggregate-commands.js';
import { coreCommands } from './commands.js';
import { probeCommands } from './probe-commands.js';
import { recordingCommands } from './record-commands.js';
import { defineCommand, type ServerCommand } from './server.js';

export function buildCommands(
  coordinator: Coordinator,
  argv: readonly string[],
  resume: () => void,
  controlUsage?: () => unknown,
): Map<string, ServerCommand> {
  const recording = recordingCommands();
  const commands = coreCommands(coordinator, argv, () => recording.stats(), controlUsage);
  for (const [name, command] of recording.commands) commands.set(name, command);
  for (const [name, command] of probeCommands()) commands.set(name, command);
  for (const [name, command] of aggregateCommands()) commands.set(name, command);
  // `markers run --record` holds the application until its recording is on.
  defineCommand(commands, 'resume', () => {
    resume();
    return { resumed: true };
  });
  return commands;
}
