/**
 * Human output helpers for the CLI: aligned tables, durations, byte sizes,
 * and colour that is off unless stdout is a TTY and NO_COLOR is unset.
 */
import type { CommandContext } from './command.js';

/**
 * `text` safe for a terminal: control characters (C0, DEL, C1) become \xNN,
 * so that a string from a target (a thread name, an argv, an error message)
 * cannot move the cursor, retitle the window or fake output lines. With
 * `keepNewlines`, for multi-line blocks, newlines stay.
 */
export function printable(text: string, keepNewlines = false): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    keepNewlines && c === '\n' ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Left-aligned columns separated by two spaces; the header row is dimmed when colour is on. */
export function table(
  context: CommandContext,
  headers: readonly string[],
  rawRows: readonly (readonly string[])[],
): string {
  // Cells hold the target's strings; our own colour codes are added after this.
  const rows = rawRows.map((r) => r.map((cell) => printable(cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const head = line(headers);
  return `${context.color ? `\x1b[1m${head}\x1b[0m` : head}\n${rows.map((r) => `${line(r)}\n`).join('')}`;
}

export function paint(context: CommandContext, code: string, text: string): string {
  return context.color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Parses "30s", "500ms", "2m" or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return value * factor;
}
