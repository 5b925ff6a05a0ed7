/**
 * Control commands for probe modules: load, unload, probes, report. They
 * drive one ProbeModuleManager owned by the control worker, which runs the
 * module in application threads only. Loading a module runs its code in the
 * target, which is why the socket is reachable by the same user only.
 */
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { ProbeModuleManager, type ProbeThreads } from '../probe/manager.js';
import { timeoutOf } from './commands.js';
import { defineCommand, type ServerCommand } from './server.js';

function stringArg(args: Record<string, unknown>, key: string, cmd: string): string {
  const value = args[key];
  if (typeof value !== 'string' || value === '') {
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `${cmd}: "${key}" must be a non-empty string`,
      {
        cmd,
        key,
      },
    );
  }
  return value;
}

/**
 * args.timeoutMs when the client gave one (--timeout). Without it the
 * manager's default applies (10 s: a load imports and runs module code).
 */
function timeoutArg(args: Record<string, unknown>): { timeoutMs?: number } {
  return args.timeoutMs === undefined ? {} : { timeoutMs: timeoutOf(args) };
}

export function probeCommands(): Map<string, ServerCommand> {
  // Created on first use: a target that never loads a module pays nothing.
  let manager: ProbeModuleManager | undefined;
  const get = (): ProbeModuleManager => {
    manager ??= new ProbeModuleManager();
    return manager;
  };
  const commands = new Map<string, ServerCommand>();

  defineCommand(commands, 'load', (args) => {
    const path = stringArg(args, 'path', 'load');
    const threads = (args.threads ?? 'all') as ProbeThreads;
    return get().load(path, { threads, ...timeoutArg(args) });
  });

  defineCommand(commands, 'unload', async (args) => {
    const name = stringArg(args, 'name', 'unload');
    await get().unload(name, timeoutArg(args));
    return { name, unloaded: true };
  });

  defineCommand(commands, 'probes', async () => ({ modules: await get().inspect() }));

  defineCommand(commands, 'report', async (args) => {
    const name = stringArg(args, 'name', 'report');
    return { name, threads: await get().report(name) };
  });

  return commands;
}
