// The type registry: primitives of the platform (LP64 or ILP32 Linux), pointers, aliases,
// opaque types, and resolution of type strings and TypeObjects.
import { parseType, NO_DIMENSIONS, type TypeSpec, type Direction } from './parser.js';

export type Primitive =
  | 'Void' | 'Bool'
  | 'Int8' | 'UInt8' | 'Int16' | 'Int16S' | 'UInt16' | 'UInt16S'
  | 'Int32' | 'Int32S' | 'UInt32' | 'UInt32S' | 'Int64' | 'Int64S' | 'UInt64' | 'UInt64S'
  | 'Float32' | 'Float64'
  | 'String' | 'String16' | 'String32'
  | 'Pointer' | 'Record' | 'Union' | 'Array' | 'Prototype' | 'Callback';

/** Internal facts about a type that are not part of its public shape. */
export interface TypeInternals {
  /** Pointer-to-character types become strings one level up ('char' -> 'char *' is a string). */
  stringOf?: 'String' | 'String16' | 'String32';
  /** For disposable types: 'free' for C free(), or a JS function. */
  dispose?: 'free' | ((ptr: bigint) => void);
  /** An opaque type has no layout until redefined. */
  opaque?: boolean;
  /** Declared with pack(): members are unaligned. */
  packed?: boolean;
  /** Flexible array member sized by a sibling member. */
  countedBy?: string;
  maxLength?: number;
}

export const INTERNALS: unique symbol = Symbol('callplan.type');

export interface TypeObject {
  name: string;
  primitive: Primitive;
  size: number;
  alignment: number;
  disposable: boolean;
  length?: number;
  hint?: string;
  ref?: TypeObject;
  members?: Record<string, unknown>;
  proto?: unknown;
  values?: Record<string, number | bigint>;
  [INTERNALS]: TypeInternals;
}

export class TypeError_ extends TypeError {}

export function makeType(name: string, primitive: Primitive, size: number, alignment: number,
                  extra: Partial<TypeObject> = {}, internals: TypeInternals = {}): TypeObject {
  const t = { name, primitive, size, alignment, disposable: false, ...extra } as TypeObject;
  Object.defineProperty(t, INTERNALS, { value: internals, enumerable: false });
  return t;
}

export function isTypeObject(v: unknown): v is TypeObject {
  return typeof v === 'object' && v !== null && INTERNALS in v;
}

export function internalsOf(t: TypeObject): TypeInternals {
  return t[INTERNALS];
}

/**
 * The data model of the running process. LP64 (x64, arm64): pointers, long and size_t are 8
 * bytes. ILP32 (ia32): they are 4 bytes, and as GCC lays out structs on i386, 8-byte scalars
 * (int64_t, uint64_t, double) are aligned to 4 (their size stays 8), which is also what Koffi
 * reports as their alignment there.
 */
export const ILP32 = process.arch === 'ia32';
export const POINTER_SIZE = ILP32 ? 4 : 8;
const MAX_SCALAR_ALIGN = ILP32 ? 4 : 8;
const INTPTR: Primitive = ILP32 ? 'Int32' : 'Int64';
const UINTPTR: Primitive = ILP32 ? 'UInt32' : 'UInt64';

// [names (first is canonical), primitive, size]; the alignment is the size, capped at
// MAX_SCALAR_ALIGN.
const PRIMITIVES: Array<[string[], Primitive, number]> = [
  [['void'], 'Void', 0],
  [['bool'], 'Bool', 1],
  [['int8_t', 'int8'], 'Int8', 1],
  [['uint8_t', 'uint8'], 'UInt8', 1],
  [['char'], 'Int8', 1],
  [['unsigned char', 'uchar'], 'UInt8', 1],
  [['char16_t', 'char16'], 'Int16', 2],
  [['char32_t', 'char32'], 'Int32', 4],
  [['wchar_t', 'wchar'], 'Int32', 4],
  [['int16_t', 'int16'], 'Int16', 2],
  [['int16_le_t', 'int16_le'], 'Int16', 2],
  [['int16_be_t', 'int16_be'], 'Int16S', 2],
  [['uint16_t', 'uint16'], 'UInt16', 2],
  [['uint16_le_t', 'uint16_le'], 'UInt16', 2],
  [['uint16_be_t', 'uint16_be'], 'UInt16S', 2],
  [['short'], 'Int16', 2],
  [['unsigned short', 'ushort'], 'UInt16', 2],
  [['int32_t', 'int32'], 'Int32', 4],
  [['int32_le_t', 'int32_le'], 'Int32', 4],
  [['int32_be_t', 'int32_be'], 'Int32S', 4],
  [['uint32_t', 'uint32'], 'UInt32', 4],
  [['uint32_le_t', 'uint32_le'], 'UInt32', 4],
  [['uint32_be_t', 'uint32_be'], 'UInt32S', 4],
  [['int'], 'Int32', 4],
  [['unsigned int', 'uint'], 'UInt32', 4],
  [['int64_t', 'int64'], 'Int64', 8],
  [['int64_le_t', 'int64_le'], 'Int64', 8],
  [['int64_be_t', 'int64_be'], 'Int64S', 8],
  [['uint64_t', 'uint64'], 'UInt64', 8],
  [['uint64_le_t', 'uint64_le'], 'UInt64', 8],
  [['uint64_be_t', 'uint64_be'], 'UInt64S', 8],
  [['intptr_t', 'intptr'], INTPTR, POINTER_SIZE],
  [['uintptr_t', 'uintptr'], UINTPTR, POINTER_SIZE],
  [['size_t'], UINTPTR, POINTER_SIZE],
  [['long'], INTPTR, POINTER_SIZE],
  [['unsigned long', 'ulong'], UINTPTR, POINTER_SIZE],
  [['long long', 'longlong'], 'Int64', 8],
  [['unsigned long long', 'ulonglong'], 'UInt64', 8],
  [['float', 'float32'], 'Float32', 4],
  [['double', 'float64'], 'Float64', 8],
];

const STRING_OF: Record<string, 'String' | 'String16' | 'String32'> = {
  char: 'String', char16_t: 'String16', char32_t: 'String32', wchar_t: 'String32',
};

/** Named types: primitives, aliases, and user types. */
const registry = new Map<string, TypeObject>();
/** Public snapshot of the primitives, as `koffi.types`. */
export const types: Record<string, TypeObject> = Object.create(null);

const pointerCache = new WeakMap<TypeObject, TypeObject>();
const builtinNames = new Set<string>();

for (const [names, primitive, size] of PRIMITIVES) {
  const t = makeType(names[0], primitive, size, Math.min(size, MAX_SCALAR_ALIGN), {}, { stringOf: STRING_OF[names[0]] });
  for (const n of names) {
    registry.set(n, t);
    types[n] = t;
  }
}

// String types are the pointer types of the character primitives.
for (const [names, base] of [[['str', 'string'], 'char'], [['str16', 'string16'], 'char16_t'],
                             [['str32', 'string32'], 'char32_t'], [['wstring'], 'wchar_t']] as const) {
  const t = pointerTo(registry.get(base)!);
  for (const n of names) {
    registry.set(n, t);
    types[n] = t;
  }
}

/** The pointer type to `ref` (cached, so equal pointer types are the same object). */
export function pointerTo(ref: TypeObject, name?: string): TypeObject {
  if (name === undefined) {
    const cached = pointerCache.get(ref);
    if (cached) return cached;
  }
  const stringOf = internalsOf(ref).stringOf;
  const ptrName = name ?? (ref.name.endsWith('*') ? ref.name + '*' : ref.name + ' *');
  // A pointer to a prototype is a callback type (Koffi's 'Callback' primitive).
  const t = stringOf
    ? makeType(ptrName, stringOf, POINTER_SIZE, POINTER_SIZE)
    : ref.primitive === 'Prototype'
      ? makeType(ptrName, 'Callback', POINTER_SIZE, POINTER_SIZE, { proto: ref.proto })
      : makeType(ptrName, 'Pointer', POINTER_SIZE, POINTER_SIZE, { ref });
  if (name === undefined) pointerCache.set(ref, t);
  return t;
}

for (const name of registry.keys()) builtinNames.add(name);

/** koffi.reset(): forget every user-defined type name, keeping the built-in ones. */
export function resetTypes(): void {
  for (const name of [...registry.keys()]) if (!builtinNames.has(name)) registry.delete(name);
  specCache.clear();
}

/** Bytes per code unit of the string types (0 for every other type). */
export function stringUnit(t: TypeObject): number {
  return t.primitive === 'String' ? 1 : t.primitive === 'String16' ? 2 : t.primitive === 'String32' ? 4 : 0;
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name))
    throw new TypeError(`Invalid ${what} name ${typeof name === 'string' ? `'${name}'` : String(name)}: expected a C identifier`);
  return name;
}

/** Registers a named type; redefinition is an error except for opaque types being completed. */
export function registerType(name: string, t: TypeObject): TypeObject {
  checkName(name, 'type');
  const prev = registry.get(name);
  if (prev && prev !== t) throw new Error(`Duplicate type name '${name}'`);
  registry.set(name, t);
  return t;
}

/** Removes a name registered for `t` (a struct whose definition failed). */
export function unregisterType(name: string, t: TypeObject): void {
  if (registry.get(name) === t) registry.delete(name);
  specCache.clear();
}

export function lookupType(name: string): TypeObject | undefined {
  return registry.get(name);
}

export interface ResolvedType {
  type: TypeObject;
  direction: Direction;
  /** Array dimensions from a type string ('float [8]'), outermost first. */
  array: readonly number[];
}

/** Marker produced by koffi.out()/inout(). */
export class DirectedType {
  constructor(readonly type: TypeObject, readonly direction: Direction) {}
}

const specCache = new Map<string, ResolvedType>();

/** Deeper pointer chains and more array dimensions than any C program needs are refused. */
export const MAX_POINTER_DEPTH = 64;
export const MAX_ARRAY_DIMENSIONS = 32;

export function resolveSpec(spec: TypeSpec, text: string): ResolvedType {
  return { type: resolveSpecType(spec, text), direction: spec.direction, array: spec.array };
}

/** The type of a parsed spec, leaving its array dimensions and direction to the caller. */
export function resolveSpecType(spec: TypeSpec, text: string): TypeObject {
  if (spec.pointer > MAX_POINTER_DEPTH || spec.array.length > MAX_ARRAY_DIMENSIONS) {
    const shown = text.length > 80 ? text.slice(0, 77) + '...' : text;
    if (spec.pointer > MAX_POINTER_DEPTH)
      throw new TypeError(`Too many pointer indirections (${spec.pointer}, at most ${MAX_POINTER_DEPTH}) in '${shown}'`);
    throw new TypeError(`Too many array dimensions (${spec.array.length}, at most ${MAX_ARRAY_DIMENSIONS}) in '${shown}'`);
  }
  let t = registry.get(spec.base);
  if (!t) throw new TypeError(`Unknown or invalid type name '${spec.base}' in '${text}'`);
  for (let i = 0; i < spec.pointer; i++) t = pointerTo(t);
  if (spec.disposable) t = makeDisposable(t, null, undefined);
  return t;
}

/** Resolves a type string, TypeObject or direction marker. */
export function resolve(spec: unknown): ResolvedType {
  if (typeof spec === 'string') {
    let r = specCache.get(spec);
    if (r === undefined) {
      r = resolveSpec(parseType(spec), spec);
      // Disposables are distinct objects per declaration; everything else is shared.
      if (!r.type.disposable) specCache.set(spec, r);
    }
    return r;
  }
  if (spec instanceof DirectedType) return { type: spec.type, direction: spec.direction, array: NO_DIMENSIONS };
  if (isTypeObject(spec)) return { type: spec, direction: 'in', array: NO_DIMENSIONS };
  throw new TypeError(`Expected a type name or TypeObject, received ${describe(spec)}`);
}

/** Resolves to a plain type: arrays in a type string become array types. */
export function resolveType(spec: unknown): TypeObject {
  const r = resolve(spec);
  if (r.array.length) {
    if (!arrayTypeFactory) throw new TypeError(`Array types are not supported in '${String(spec)}'`);
    let t = r.type;
    for (let i = r.array.length - 1; i >= 0; i--) t = arrayTypeFactory(t, r.array[i]);
    return t;
  }
  return r.type;
}

let arrayTypeFactory: ((ref: TypeObject, len: number) => TypeObject) | null = null;
export function setArrayTypeFactory(f: (ref: TypeObject, len: number) => TypeObject): void {
  arrayTypeFactory = f;
}

export function makeDisposable(t: TypeObject, name: string | null, dispose: ((ptr: bigint) => void) | null | undefined): TypeObject {
  if (t.primitive !== 'Pointer' && t.primitive !== 'String' && t.primitive !== 'String16' && t.primitive !== 'String32')
    throw new TypeError(`Cannot make '${t.name}' disposable: only pointer and string types can be (the '!' suffix too)`);
  const { [INTERNALS]: base, ...shape } = t;
  return makeType(name ?? t.name, t.primitive, t.size, t.alignment, { ...shape, name: name ?? t.name, disposable: true },
    { ...base, dispose: dispose ?? 'free' });
}

export function makeOpaque(name: string | null): TypeObject {
  const t = makeType(name ?? 'opaque', 'Void', 0, 0, {}, { opaque: true });
  if (name !== null) registerType(checkName(name, 'type'), t);
  return t;
}

export function makeAlias(name: string, target: unknown): TypeObject {
  const t = resolveType(target);
  checkName(name, 'alias');
  if (registry.has(name)) throw new Error(`Duplicate type name '${name}'`);
  registry.set(name, t);
  return t;
}

export function makeNamedPointer(name: string | null, target: unknown, count: number | string = 1): TypeObject {
  if (typeof count === 'number' && count > MAX_POINTER_DEPTH)
    throw new RangeError(`Too many pointer indirections (${count}, at most ${MAX_POINTER_DEPTH})`);
  if (typeof count === 'string') {
    // pointer(name | null, type, 'countedBy'): a struct member pointing to an array whose length
    // is the sibling member `countedBy`.
    checkName(count, 'countedBy member');
    const ref = resolveType(target);
    const t = makeType(name ?? pointerTo(ref).name, 'Pointer', POINTER_SIZE, POINTER_SIZE, { ref }, { countedBy: count });
    return name === null ? t : registerType(checkName(name, 'type'), t);
  }
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`Invalid pointer depth ${String(count)}: expected an integer from 1 to 64`);
  let t = resolveType(target);
  for (let i = 0; i < count - 1; i++) t = pointerTo(t);
  if (name === null) return pointerTo(t);
  checkName(name, 'type');
  return registerType(name, pointerTo(t, name));
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
}
