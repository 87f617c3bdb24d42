// Memory helpers: alloc/free, decode/encode (with the decode.<type> shortcuts), view, as().
import { native } from './native.js';
import { resolveType, describe, type TypeObject, stringUnit } from './types.js';
import { describeType } from './describe.js';
import { makeArray } from './composite.js';
import { functionAt } from './callback.js';

type Target = bigint | ArrayBufferView | ArrayBuffer;


function count(len: unknown, fn: string): number {
  if (typeof len !== 'number' || !Number.isInteger(len) || len < -1)
    throw new TypeError(`${fn}(): length must be an integer >= -1, received ${typeof len === 'number' ? len : describe(len)}`);
  return len;
}

export function alloc(spec: unknown, len: unknown = 1): bigint {
  const t = resolveType(spec);
  const n = count(len, 'alloc');
  return native.memory.alloc(t.size * Math.max(n, 0));
}

export function free(ptr: unknown): void {
  native.memory.free(ptr);
}

// decode(ptr, 'int32_t') is the common case, often in callbacks: the descriptor id of each type
// spec is remembered (-1 for specs that need the general path).
const plainIds = new Map<unknown, number>();

export function resetDecodeCache(): void {
  plainIds.clear();
}

function plainId(spec: unknown): number {
  let id = plainIds.get(spec);
  if (id === undefined) {
    const t = resolveType(spec);
    id = t.primitive === 'Prototype' ? -1 : describeType(t);
    // Only named specs are remembered: TypeObjects may be completed later (opaque types).
    if (typeof spec === 'string' && plainIds.size < 4096) plainIds.set(spec, id);
  }
  return id;
}

/** decode(ptr, type), decode(ptr, offset, type), and either with a trailing length. */
export function decode(target: Target, a?: unknown, b?: unknown, c?: unknown): unknown {
  if (b === undefined && typeof a === 'string') {
    const id = plainId(a);
    if (id >= 0) return native.memory.decode(target, 0, id);
  }
  return decodeGeneral(target, c === undefined ? (b === undefined ? [a] : [a, b]) : [a, b, c]);
}

function decodeGeneral(target: Target, rest: unknown[]): unknown {
  let offset = 0;
  if (typeof rest[0] === 'number' || typeof rest[0] === 'bigint') offset = Number(rest.shift());
  const [spec, len] = rest;
  const t = resolveType(spec);
  // A function pointer decoded with its prototype becomes a callable function.
  if (t.primitive === 'Prototype') {
    if (offset) throw new TypeError('decode(): a function pointer is decoded from the pointer itself, without an offset');
    return functionAt(target, t, 'decode()');
  }
  if (len === undefined) return native.memory.decode(target, offset, describeType(t));
  const n = count(len, 'decode');
  const unit = stringUnit(t);
  if (unit) {
    // A string type reads the pointer stored there, then `n` units of it (-1: up to the NUL).
    const p = native.memory.decode(target, offset, describeType(resolveType('void *'))) as bigint | null;
    if (p === null) return null;
    return native.memory.decodeString(p, 0, unit, n);
  }
  if (n < 0) throw new RangeError(`decode(): a length of -1 only applies to string types, not '${t.name}'`);
  return native.memory.decode(target, offset, describeType(makeArray(t, n)));
}

/** encode(ptr, type, value), encode(ptr, offset, type, value), and either with a trailing length. */
export function encode(target: Target, ...rest: unknown[]): void {
  let offset = 0;
  if (rest.length >= 3 && (typeof rest[0] === 'number' || typeof rest[0] === 'bigint')) offset = Number(rest.shift());
  const [spec, value, len] = rest;
  let t = resolveType(spec);
  if (len !== undefined) t = makeArray(t, count(len, 'encode'));
  native.memory.encode(target, offset, describeType(t), value);
}

export function view(ptr: unknown, len: unknown): ArrayBuffer {
  return native.memory.view(ptr, len);
}

export function as(value: unknown, spec: unknown): object {
  const t = resolveType(spec);
  if (t.primitive !== 'Pointer' && !stringUnit(t))
    throw new TypeError(`as(): expected a pointer type such as 'T *', received '${t.name}'`);
  return native.memory.cast(value, describeType(t));
}

// decode.<type>(ptr, offset?) and decode.string*(ptr, length?)
const NUMERIC: Record<string, string> = {
  char: 'char', uchar: 'uchar', short: 'short', ushort: 'ushort', int: 'int', uint: 'uint', long: 'long', ulong: 'ulong',
  longlong: 'longlong', ulonglong: 'ulonglong', int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16',
  int32: 'int32', uint32: 'uint32', int64: 'int64', uint64: 'uint64', float: 'float', double: 'double',
  int16le: 'int16_le', uint16le: 'uint16_le', int32le: 'int32_le', uint32le: 'uint32_le', int64le: 'int64_le',
  uint64le: 'uint64_le', int16be: 'int16_be', uint16be: 'uint16_be', int32be: 'int32_be', uint32be: 'uint32_be',
  int64be: 'int64_be', uint64be: 'uint64_be', float32: 'float', float64: 'double', bool: 'bool',
};
const STRINGS: Record<string, number> = { string: 1, string16: 2, string32: 4, wstring: 4 };

export type DecodeShortcuts = Record<string, (ptr: Target, arg?: number) => unknown>;

export function decodeShortcuts(): DecodeShortcuts {
  const out: DecodeShortcuts = {};
  for (const [name, typeName] of Object.entries(NUMERIC)) {
    let id = -1;
    out[name] = (ptr, offset = 0) => native.memory.decode(ptr, offset, id >= 0 ? id : (id = describeType(resolveType(typeName))));
  }
  for (const [name, unit] of Object.entries(STRINGS))
    out[name] = (ptr, length = -1) => native.memory.decodeString(ptr, 0, unit, length);
  return out;
}

export type { TypeObject };
