// npm run demo: the demo service under load, driven through the real markers CLI as a
// user would: ps, list, a 3-second record to ./demo-trace (CTF + Perfetto), live
// aggregations inside the service (markers hist redrawing like top on a terminal, count,
// latency of the pool's tasks in the worker threads), a probe module loaded, its report
// drawn, unloaded. No manual step; well under a minute.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TRACE = join(ROOT, 'demo-trace');
const PERFETTO = join(ROOT, 'demo-trace.perfetto-trace');
const BIN = join(ROOT, 'dist/cli.js');
// A private socket directory: the demo never mixes with other instrumented processes.
const sockets = mkdtempSync(join(tmpdir(), 'markers-demo-'));
const env = { ...process.env, MARKERS_SOCKET_DIR: join(sockets, 'sockets') };
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

function step(title) {
  console.log(`\n${bold(`== ${title}`)}`);
}

function markers(...args) {
  console.log(bold(`$ markers ${args.join(' ')}`));
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`markers ${args[0]} exited with ${r.status}`);
}

step('building markers (dist/)');
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

step('starting the demo service with the control server on');
console.log(bold('$ node --import markers/register examples/demo/service.mjs'));
const service = spawn(
  process.execPath,
  ['--import', 'markers/register', join(ROOT, 'examples/demo/service.mjs')],
  { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve, reject) => {
  let out = '';
  service.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
  service.once('exit', () => reject(new Error(`the service exited:\n${out}`)));
});
console.log(`service at ${url} (pid ${service.pid})`);

step('generating load (4 clients, fast and slow paths)');
const load = spawn(process.execPath, [join(ROOT, 'examples/demo/load.mjs'), url, '40'], {
  cwd: ROOT,
  stdio: 'ignore',
});

try {
  step('which processes can be controlled?');
  markers('ps');
  step('what markers does the service have?');
  markers('list', '-p', String(service.pid), 'http:*');
  markers('list', '-p', String(service.pid), 'pool:*');

  step("Node's own channels as markers, with no code change: the HTTP server the service runs");
  markers('list', '-p', String(service.pid), 'node:http.*');
  markers('tail', '-p', String(service.pid), 'node:http.server_end', '--duration', '1s');

  step("record the service's http and pool markers, and Node's node:http.* ones, for 3 seconds");
  rmSync(TRACE, { recursive: true, force: true });
  rmSync(PERFETTO, { force: true });
  markers(
    'record',
    '-p',
    String(service.pid),
    'http:*',
    'pool:*',
    'node:http.*',
    '-o',
    TRACE,
    '--duration',
    '3s',
  );
  markers('convert', TRACE, '--to', 'perfetto', '-o', PERFETTO);

  step('a live histogram of request latency per path, computed inside the service');
  markers(
    'hist',
    '-p',
    String(service.pid),
    'http:request_done',
    'ms',
    '--by',
    'path',
    '--duration',
    '5s',
  );
  step('events per marker, in every thread, for 2 seconds');
  markers(
    'count',
    '-p',
    String(service.pid),
    'http:*',
    'pool:*',
    '--by',
    'marker',
    '--duration',
    '2s',
  );
  step('latency of the pool tasks (pool:task_start -> pool:task_end) in the worker threads');
  markers(
    'latency',
    '-p',
    String(service.pid),
    'pool:task_start',
    '--by',
    'kind',
    '--duration',
    '3s',
  );

  step('load a probe module computing a latency histogram, in the live process');
  markers(
    'load',
    '-p',
    String(service.pid),
    join(ROOT, 'examples/probes/latency-histogram.mjs'),
    '--threads',
    'all',
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  markers('probes', '-p', String(service.pid));
  markers('report', '-p', String(service.pid), 'latency-histogram');
  markers('unload', '-p', String(service.pid), 'latency-histogram');
  markers('stats', '-p', String(service.pid));
} finally {
  load.kill();
  service.kill('SIGTERM');
  // The service ends by running out of work once its server and workers
  // close. If it does not, something keeps it alive that should not: say so.
  const ended = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    service.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  rmSync(sockets, { recursive: true, force: true });
  if (!ended) {
    service.kill('SIGKILL');
    console.error('the demo service did not exit within 15 s of SIGTERM: something kept it alive');
    process.exit(1);
  }
}

step('done');
console.log(`The trace is in ${TRACE} (CTF 1.8, one stream per thread):
  babeltrace2 ${TRACE}              # print it
  node ${BIN} view ${TRACE}   # the same with markers
Perfetto file: ${PERFETTO}
  open https://ui.perfetto.dev and drag the file in
Trace Compass opens ${TRACE} as a CTF trace.`);
