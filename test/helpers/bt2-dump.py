# Reads a CTF trace with babeltrace2's Python bindings (bt2) and prints one
# JSON object per message of interest, for the tests to compare with our
# reader. Integers are printed as decimal strings so that 64-bit values
# survive JSON.parse on the JavaScript side.
import json
import sys

import bt2


def value(field):
    if isinstance(field, bt2._EnumerationFieldConst):
        return {"enum": list(field.labels), "int": str(int(field))}
    if isinstance(field, bt2._IntegerFieldConst):
        return {"int": str(int(field))}
    if isinstance(field, bt2._RealFieldConst):
        return {"float": repr(float(field))}
    if isinstance(field, bt2._StringFieldConst):
        return {"string": str(field)}
    if isinstance(field, bt2._StructureFieldConst):
        return {k: value(v) for k, v in field.items()}
    if isinstance(field, bt2._ArrayFieldConst):
        return [value(v) for v in field]
    return {"other": str(field)}


def main():
    out = sys.stdout
    for msg in bt2.TraceCollectionMessageIterator(sys.argv[1]):
        if isinstance(msg, bt2._EventMessageConst):
            event = msg.event
            ctx = event.packet.context_field if event.packet is not None else None
            out.write(json.dumps({
                "type": "event",
                "ts": str(msg.default_clock_snapshot.ns_from_origin),
                "name": event.name,
                "stream_id": event.stream.cls.id,
                "thread_id": str(int(ctx["thread_id"])) if ctx is not None else None,
                "fields": value(event.payload_field) if event.payload_field is not None else {},
            }) + "\n")
        elif isinstance(msg, bt2._DiscardedEventsMessageConst):
            out.write(json.dumps({
                "type": "discarded",
                "stream_id": msg.stream.cls.id,
                "count": msg.count,
            }) + "\n")
        elif isinstance(msg, bt2._StreamBeginningMessageConst):
            env = msg.stream.trace.environment
            out.write(json.dumps({
                "type": "stream",
                "stream_id": msg.stream.cls.id,
                "env": {k: (str(v) if isinstance(v, bt2._StringValueConst) else int(v)) for k, v in env.items()},
            }) + "\n")


main()
