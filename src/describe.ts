// Native type descriptors: each TypeObject is described to the addon once, and plans refer to
// it by id.
import { native } from './native.js';
import { Kind, type KindName } from './gen/kinds.js';
import { internalsOf, type TypeObject, type Primitive } from './types.js';
import type { MemberInfo } from './composite.js';

const KIND_OF: Record<Primitive, KindName> = {
  Void: 'VOID', Bool: 'BOOL', Int8: 'I8', UInt8: 'U8', Int16: 'I16', UInt16: 'U16', Int32: 'I32', UInt32: 'U32',
  Int64: 'I64', UInt64: 'U64', Int16S: 'I16_SWAP', UInt16S: 'U16_SWAP', Int32S: 'I32_SWAP', UInt32S: 'U32_SWAP',
  Int64S: 'I64_SWAP', UInt64S: 'U64_SWAP', Float32: 'F32', Float64: 'F64', String: 'STR', String16: 'STR16',
  String32: 'STR32', Pointer: 'PTR', Record: 'RECORD', Union: 'UNION', Array: 'ARRAY', Prototype: 'PROTO', Callback: 'PROTO',
};

const HINT_CODES: Record<string, number> = { Typed: 0, Array: 1, String: 2, Buffer: 3 };

const ids = new WeakMap<TypeObject, number>();
const describing = new Set<TypeObject>();

/** The native descriptor id of `t`, defining it (and what it refers to) on first use. */
export function describeType(t: TypeObject): number {
  const cached = ids.get(t);
  if (cached !== undefined) return cached;
  describing.add(t);
  try {
    const kind = Kind[KIND_OF[t.primitive]];
    let ref = -1;
    // A pointer back to a struct being described stays untyped: the cycle ends there.
    if (t.ref && t.ref.primitive !== 'Void' && !describing.has(t.ref)) ref = describeType(t.ref);
    const dispose = t.disposable && internalsOf(t).dispose === 'free' ? 1 : 0;
    let id: number;
    if (t.members) {
      const members = Object.values(t.members) as MemberInfo[];
      const memberIds = members.map((m) => describeType(m.type));
      const names = members.map((m) => m.name);
      const counters = members.map((m) => {
        const by = internalsOf(m.type).countedBy;
        return by === undefined ? -1 : names.indexOf(by);
      });
      id = native.defineType(kind, t.size, t.alignment, t.name, ref, t.length ?? 0, HINT_CODES[t.hint ?? 'Typed'], dispose,
        names, members.map((m) => m.offset), memberIds, counters);
    } else {
      id = native.defineType(kind, t.size, t.alignment, t.name, ref, t.length ?? 0, HINT_CODES[t.hint ?? 'Typed'], dispose);
    }
    // Opaque types may be completed later, so only complete types keep their descriptor.
    if (!internalsOf(t).opaque && !(t.ref && internalsOf(t.ref).opaque)) ids.set(t, id);
    return id;
  } finally {
    describing.delete(t);
  }
}
