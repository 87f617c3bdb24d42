// Aggregate types: struct, pack, union, array and enumeration, with the layout rules of the
// platform C compiler (natural alignment, padding to the largest member alignment).
import {
  registerType, unregisterType, resolveType, checkName, describe, lookupType, internalsOf, isTypeObject,
  makeType, setArrayTypeFactory, type TypeObject, type Primitive,
} from './types.js';

export interface MemberInfo { name: string; type: TypeObject; offset: number }

let anonymousCount = 0;
const ALIGNMENTS = [1, 2, 4, 8, 16];

/** The current limit on type sizes, set from koffi.config(). */
export let maxTypeSize = 64 * 1024 * 1024;
export function setMaxTypeSize(n: number): void { maxTypeSize = n; }

function checkSize(size: number, what: string): number {
  if (!Number.isSafeInteger(size) || size > maxTypeSize)
    throw new RangeError(`${what} is too large (${size} bytes, max_type_size is ${maxTypeSize})`);
  return size;
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** struct/pack/union: ([name | opaqueType,] members). */
export function makeAggregate(kind: 'struct' | 'pack' | 'union', args: unknown[]): TypeObject {
  let name: string | null = null;
  let target: TypeObject | null = null;
  let members: unknown;
  if (args.length >= 2) {
    const first = args[0];
    if (isTypeObject(first)) {
      if (!internalsOf(first).opaque) throw new TypeError(`${kind}(): only an opaque type can be redefined, '${first.name}' is not opaque`);
      target = first;
      name = first.name;
    } else if (first !== null && first !== undefined) {
      name = checkName(first, 'type');
    }
    members = args[1];
  } else {
    members = args[0];
  }
  if (typeof members !== 'object' || members === null || Array.isArray(members))
    throw new TypeError(`${kind}(): expected an object of members, received ${describe(members)}`);
  // An opaque type is completed by passing its TypeObject; a name already in use is an error.
  if (name !== null && !target && lookupType(name))
    throw new Error(`${kind}(): duplicate type name '${name}'${internalsOf(lookupType(name)!).opaque ? ' (pass the opaque TypeObject itself to define it)' : ''}`);
  const typeName = name ?? `<anonymous_${anonymousCount++}>`;
  // A named struct may point to itself ('Node *' inside 'Node'): its name exists as an opaque
  // type while the members are resolved, and the same object is completed below.
  let placeholder = false;
  if (name !== null && !target) {
    target = makeType(typeName, 'Void', 0, 0, {}, { opaque: true });
    registerType(name, target);
    placeholder = true;
  }
  try {
    return layoutAggregate(kind, members as Record<string, unknown>, typeName, target);
  } catch (err) {
    if (placeholder) unregisterType(typeName, target!);
    throw err;
  }
}

function layoutAggregate(kind: 'struct' | 'pack' | 'union', members: Record<string, unknown>, typeName: string,
                         target: TypeObject | null): TypeObject {
  // No prototype: a member may be called '__proto__' or 'toString'.
  const layout: Record<string, MemberInfo> = Object.create(null);
  let offset = 0;
  let size = 0;
  let alignment = 1;
  for (const [memberName, spec] of Object.entries(members)) {
    checkName(memberName, 'member');
    let mtype: TypeObject;
    let malign: number;
    if (Array.isArray(spec)) {
      if (spec.length !== 2 || typeof spec[0] !== 'number')
        throw new TypeError(`${kind}(): member '${memberName}' must be a type or [alignment, type]`);
      if (!ALIGNMENTS.includes(spec[0]))
        throw new RangeError(`${kind}(): alignment of member '${memberName}' must be 1, 2, 4, 8 or 16, received ${spec[0]}`);
      mtype = memberType(spec[1], memberName, typeName, target);
      malign = spec[0];
    } else {
      mtype = memberType(spec, memberName, typeName, target);
      malign = kind === 'pack' ? 1 : mtype.alignment;
    }
    if (kind === 'union') {
      layout[memberName] = { name: memberName, type: mtype, offset: 0 };
      size = Math.max(size, mtype.size);
    } else {
      offset = alignUp(offset, malign);
      layout[memberName] = { name: memberName, type: mtype, offset };
      offset += mtype.size;
      size = offset;
    }
    alignment = Math.max(alignment, malign);
  }
  checkCounted(layout, typeName);
  size = checkSize(alignUp(size, alignment), `${kind} '${typeName}'`);
  const primitive: Primitive = kind === 'union' ? 'Union' : 'Record';
  if (target) {
    // Completing an opaque type keeps its identity, so pointers made earlier see the layout.
    Object.assign(target, { primitive, size, alignment, members: layout });
    internalsOf(target).opaque = false;
    internalsOf(target).packed = kind === 'pack';
    return target;
  }
  return makeType(typeName, primitive, size, alignment, { members: layout }, { packed: kind === 'pack' });
}

// Members sized by a sibling: the sibling must exist and be an integer; a flexible array must
// be the last member.
function checkCounted(layout: Record<string, MemberInfo>, owner: string): void {
  const names = Object.keys(layout);
  names.forEach((name, i) => {
    const counter = internalsOf(layout[name].type).countedBy;
    if (counter === undefined) return;
    const sibling = layout[counter];
    if (!sibling) throw new TypeError(`Member '${name}' of '${owner}' is counted by '${counter}', which is not a member of '${owner}'`);
    if (!/^U?Int(8|16|32|64)$/.test(sibling.type.primitive))
      throw new TypeError(`Member '${name}' of '${owner}' is counted by '${counter}', which is not an integer ('${sibling.type.name}')`);
    if (layout[name].type.primitive === 'Array' && i !== names.length - 1)
      throw new TypeError(`Flexible array member '${name}' must be the last member of '${owner}'`);
  });
}

function memberType(spec: unknown, member: string, owner: string, self: TypeObject | null): TypeObject {
  let t: TypeObject;
  try {
    t = resolveType(spec);
  } catch (err) {
    throw new TypeError(`Member '${member}' of '${owner}': ${(err as Error).message}`);
  }
  if (t === self || (self === null && t.name === owner && internalsOf(t).opaque))
    throw new TypeError(`Member '${member}' of '${owner}' contains '${owner}' itself; use a pointer ('${owner} *')`);
  if (t.primitive === 'Void')
    throw new TypeError(`Member '${member}' of '${owner}' has incomplete type '${t.name}'`);
  return t;
}

export type ArrayHint = 'Typed' | 'Array' | 'String' | 'Buffer';
const HINTS: ArrayHint[] = ['Typed', 'Array', 'String', 'Buffer'];

function defaultHint(ref: TypeObject): ArrayHint {
  if (internalsOf(ref).stringOf) return 'String';
  switch (ref.primitive) {
    case 'Int8': case 'UInt8': case 'Int16': case 'UInt16': case 'Int32': case 'UInt32':
    case 'Int64': case 'UInt64': case 'Float32': case 'Float64':
      return 'Typed';
    default:
      return 'Array';
  }
}

export function makeArray(refSpec: unknown, length: unknown, hintOrMax?: unknown, countedHint?: unknown): TypeObject {
  const ref = resolveType(refSpec);
  if (ref.primitive === 'Void') throw new TypeError(`array(): element type '${ref.name}' is incomplete`);
  if (typeof length === 'string') {
    // Flexible array member sized by a sibling: array(type, 'countedBy', maxLen, hint?)
    checkName(length, 'countedBy member');
    const max = hintOrMax;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
      throw new TypeError(`array(): expected a maximum length after '${length}', received ${describe(max)}`);
    const hint = checkHint(countedHint, ref);
    // Unlike C, the struct makes room for the largest array it may hold.
    const size = checkSize(ref.size * max, `array '${ref.name}[${max}]'`);
    return makeType(`${ref.name}[]`, 'Array', size, ref.alignment, { length: max, hint, ref }, { countedBy: length, maxLength: max });
  }
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0)
    throw new TypeError(`array(): expected a non-negative integer length, received ${typeof length === 'number' ? length : describe(length)}`);
  const hint = checkHint(hintOrMax, ref);
  const size = checkSize(ref.size * length, `array '${ref.name}[${length}]'`);
  return makeType(`${ref.name}[${length}]`, 'Array', size, ref.alignment, { length, hint, ref });
}

function checkHint(hint: unknown, ref: TypeObject): ArrayHint {
  if (hint === undefined || hint === null) return defaultHint(ref);
  if (typeof hint !== 'string' || !HINTS.includes(hint as ArrayHint))
    throw new TypeError(`array(): hint must be one of ${HINTS.join(', ')}, received ${JSON.stringify(hint)}`);
  return hint as ArrayHint;
}

setArrayTypeFactory((ref, len) => makeArray(ref, len));

/** enumeration([name,] values, storage?) */
export function makeEnumeration(args: unknown[]): TypeObject {
  let name: string | null = null;
  let rest = args;
  if (typeof args[0] === 'string' || args[0] === null) {
    name = args[0] === null ? null : checkName(args[0], 'enumeration');
    rest = args.slice(1);
  }
  const [values, storage] = rest;
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw new TypeError(`enumeration(): expected an object of values, received ${describe(values)}`);
  const out: Record<string, number | bigint> = Object.create(null);
  let min = 0n;
  let max = 0n;
  let minKey = '';
  let maxKey = '';
  for (const [key, v] of Object.entries(values)) {
    checkName(key, 'enumeration value');
    if (typeof v === 'number' ? !Number.isInteger(v) : typeof v !== 'bigint')
      throw new TypeError(`enumeration(): value '${key}' must be an integer, received ${typeof v === 'number' ? v : describe(v)}`);
    const b = BigInt(v as number | bigint);
    if (b < min) [min, minKey] = [b, key];
    if (b > max) [max, maxKey] = [b, key];
    out[key] = v as number | bigint;
  }
  let base: TypeObject;
  if (storage !== undefined) {
    base = resolveType(storage);
    const p = base.primitive;
    if (!/^U?Int(8|16|32|64)$/.test(p)) throw new TypeError(`enumeration(): storage type must be an integer type, received '${base.name}'`);
    const bits = BigInt(base.size * 8);
    const lo = p.startsWith('U') ? 0n : -(1n << (bits - 1n));
    const hi = p.startsWith('U') ? (1n << bits) - 1n : (1n << (bits - 1n)) - 1n;
    if (min < lo) throw new RangeError(`enumeration(): value '${minKey}' (${min}) does not fit in storage type '${base.name}'`);
    if (max > hi) throw new RangeError(`enumeration(): value '${maxKey}' (${max}) does not fit in storage type '${base.name}'`);
  } else if (min >= 0n) {
    base = resolveType(max <= 0xffffffffn ? 'uint32_t' : max <= 0xffffffffffffffffn ? 'uint64_t' : fail());
  } else {
    base = resolveType(min >= -(1n << 31n) && max < (1n << 31n) ? 'int32_t' : min >= -(1n << 63n) && max < (1n << 63n) ? 'int64_t' : fail());
  }
  const t = makeType(name ?? `<anonymous_${anonymousCount++}>`, base.primitive, base.size, base.alignment, { values: out });
  if (name !== null) registerType(name, t);
  return t;
  function fail(): never {
    const [key, value] = max > 0xffffffffffffffffn || min >= 0n ? [maxKey, max] : [minKey, min];
    throw new RangeError(`enumeration(): value '${key}' (${value}) does not fit in any 64-bit integer type${min < 0n && max >= 1n << 63n ? ` together with '${minKey}' (${min})` : ''}`);
  }
}

export function offsetOf(spec: unknown, member: unknown): number {
  const t = resolveType(spec);
  if (!t.members) throw new TypeError(`offsetof(): '${t.name}' is not a struct or union`);
  if (typeof member !== 'string' || !Object.prototype.hasOwnProperty.call(t.members, member))
    throw new TypeError(`offsetof(): '${t.name}' has no member ${JSON.stringify(member)}`);
  return (t.members[member] as MemberInfo).offset;
}
