/**
 * Control commands for probe modules: load, unload, probes, report. They
 * drive one ProbeModuleManager owned by the control worker, which runs the
 * module in application threads only. Loading a module runs its code in the
 * target, which is why the socket is reachable by the same user only.
 */
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { ProbeModuleManager, type ProbeThreads } from '../probe/manager.js';
import type { ServerCommand } from './server.js';

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

export function probeCommands(): Map<string, ServerCommand> {
  // Created on first use: a target that never loads a module pays nothing.
  let manager: ProbeModuleManager | undefined;
  const get = (): ProbeModuleManager => {
    manager ??= new ProbeModuleManager();
    return manager;
  };
  const commands = new Map<string, ServerCommand>();

  commands.set('load', (args) => {
    const path = stringArg(args, 'path', 'load');
    const threads = (args.threads ?? 'all') as ProbeThreads;
    return get().load(path, { threads });
  });

  commands.set('unload', async (args) => {
    const name = stringArg(args, 'name', 'unload');
    await get().unload(name);
    return { name, unloaded: true };
  });

  commands.set('probes', async () => ({ modules: await get().inspect() }));

  commands.set('report', async (args) => {
    const name = stringArg(args, 'name', 'report');
    return { name, threads: await get().report(name) };
  });

  return commands;
}
