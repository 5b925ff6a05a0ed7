// Perfetto bytes decoded by protoc against Perfetto's own trace schema
// (../shared/reference/perfetto_trace.proto), folded into slices per track:
// a SLICE_END closes the innermost slice open on its track, as Perfetto's
// own importer does, so a wrong track is a wrong slice.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const PROTO_DIR = '/work/shared/reference';

export interface Slice {
  name: string;
  track: string;
  begin: bigint;
  end: bigint;
  args: string[];
}

/** protoc --decode of the Perfetto bytes, folded into slices per track. */
export function slices(bytes: Uint8Array): {
  slices: Slice[];
  /** Instant events: markers that are no slice, and ends that matched no start. */
  instants: { name: string; args: string[] }[];
  tracks: Map<string, string>;
  text: string;
} {
  const r = spawnSync(
    'protoc',
    [`--proto_path=${PROTO_DIR}`, '--decode=perfetto.protos.Trace', 'perfetto_trace.proto'],
    { input: bytes, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout;
  const tracks = new Map<string, string>(); // lane uuid -> parent uuid
  const out: Slice[] = [];
  const instants: { name: string; args: string[] }[] = [];
  const open = new Map<string, Slice[]>();
  for (const packet of text.split(/^packet \{$/m).slice(1)) {
    const descriptor = /track_descriptor \{([\s\S]*?)\n {2}\}/.exec(packet)?.[1];
    if (descriptor !== undefined) {
      const uuid = /uuid: (\d+)/.exec(descriptor)?.[1] as string;
      const parent = /parent_uuid: (\d+)/.exec(descriptor)?.[1];
      if (parent !== undefined) tracks.set(uuid, parent);
      continue;
    }
    const ts = BigInt(/timestamp: (\d+)/.exec(packet)?.[1] ?? '0');
    const type = /type: (\w+)/.exec(packet)?.[1];
    const track = /track_uuid: (\d+)/.exec(packet)?.[1] as string;
    const name =
      /\bname: "([^"]*)"\n {4}(?:debug|categories|$)/.exec(packet)?.[1] ??
      /^ {4}name: "([^"]*)"/m.exec(packet)?.[1] ??
      '';
    const args = [...packet.matchAll(/(?:string|int|double)_value: ("[^"]*"|[-\d.e+]+)/g)].map(
      (m) => m[1] as string,
    );
    if (type === 'TYPE_SLICE_BEGIN') {
      const slice = { name, track, begin: ts, end: -1n, args };
      out.push(slice);
      open.set(track, [...(open.get(track) ?? []), slice]);
    } else if (type === 'TYPE_INSTANT') {
      instants.push({ name, args });
    } else if (type === 'TYPE_SLICE_END') {
      const stack = open.get(track) ?? [];
      const slice = stack.pop();
      assert.ok(slice !== undefined, `an end on track ${track} with nothing open`);
      slice.end = ts;
      slice.args.push(...args);
    }
  }
  return { slices: out, instants, tracks, text };
}
