// The start-up target of bench/record-cost/record-cost.ts: prints its RSS on
// its first line (after --import markers/register, if given, has run), then
// stays idle until stdin closes, so the parent can also count its wake-ups.
process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage.rss() })}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
