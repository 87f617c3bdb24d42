// The public API: a drop-in for Koffi 3.
import { native } from './native.js';
import { Library, disposedInJs, warnOnce, type LoadOptions } from './library.js';
import {
  types, resolveType, makeOpaque, makeAlias, makeNamedPointer, DirectedType, describe,
  makeDisposable, checkName, registerType, resetTypes, type TypeObject,
} from './types.js';
import { config } from './config.js';
import { makeAggregate, makeArray, makeEnumeration, offsetOf } from './composite.js';
import { PLAN_MAGIC } from './plan.js';
import * as memory from './memory.js';
import { Union } from './union.js';
import { proto, callback, register, unregister, callbackStats, call, node } from './callback.js';

export type { TypeObject, LoadOptions };
export { Library as LibraryHandle };

export const version: string = '0.1.0';
export const extension: string = process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';

const LOAD_OPTIONS = ['lazy', 'global', 'deep'];

export function load(path?: string | null, options?: LoadOptions): Library {
  if (path !== null && path !== undefined && typeof path !== 'string')
    throw new TypeError(`load(): expected a library path or null, received ${describe(path)}`);
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`load(): expected an options object, received ${describe(options)}`);
    const unknown = Object.keys(options).filter((k) => !LOAD_OPTIONS.includes(k));
    if (unknown.length) throw new Error(`load(): unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; known: ${LOAD_OPTIONS.join(', ')}`);
  }
  return new Library(path ? path : null, options);
}

export function type(spec: unknown): TypeObject {
  return resolveType(spec);
}

function deprecated(name: string, instead: string): void {
  warnOnce(`koffi.${name}()`, `koffi.${name}() is deprecated, use koffi.${instead}() instead`);
}

export function resolve(spec: unknown): TypeObject {
  deprecated('resolve', 'type');
  return resolveType(spec);
}

export function introspect(spec: unknown): TypeObject {
  deprecated('introspect', 'type');
  return resolveType(spec);
}

export function sizeof(spec: unknown): number {
  return resolveType(spec).size;
}

export function alignof(spec: unknown): number {
  return resolveType(spec).alignment;
}

export function opaque(name?: string | null): TypeObject {
  return makeOpaque(name ?? null);
}

export function alias(name: string, target: unknown): TypeObject {
  return makeAlias(name, target);
}

/** pointer(type), pointer(type, count), pointer(name, type), pointer(name, type, count) */
export function pointer(...args: unknown[]): TypeObject {
  const depth = (v: unknown) => (v === undefined ? 1 : (v as number | string));
  if (typeof args[0] === 'string' && args.length >= 2 && typeof args[1] !== 'number')
    return makeNamedPointer(checkName(args[0], 'pointer'), args[1], depth(args[2]));
  if (args[0] === null && args.length >= 2) return makeNamedPointer(null, args[1], depth(args[2]));
  return makeNamedPointer(null, args[0], depth(args[1]));
}

function directed(spec: unknown, direction: 'in' | 'out' | 'inout', fn: string): DirectedType {
  const t = resolveType(spec);
  if (direction !== 'in' && t.primitive !== 'Pointer' && t.primitive !== 'String' && t.primitive !== 'String16' && t.primitive !== 'String32')
    throw new TypeError(`${fn}(): only pointer types can be output parameters, received '${t.name}'`);
  return new DirectedType(t, direction);
}

export function out(spec: unknown): DirectedType { return directed(spec, 'out', 'out'); }
export function inout(spec: unknown): DirectedType { return directed(spec, 'inout', 'inout'); }
export function in_(spec: unknown): DirectedType { return directed(spec, 'in', 'in'); }

/** disposable(type), disposable(type, free), disposable(name, type), disposable(name, type, free) */
export function disposable(...args: unknown[]): TypeObject {
  let name: string | null = null;
  let rest = args;
  const namedForm = args.length >= 3 || (args.length === 2 && typeof args[1] !== 'function' && args[1] != null);
  if (namedForm) {
    if (args[0] !== null) name = checkName(args[0], 'type');
    rest = args.slice(1);
  }
  const [spec, free] = rest;
  if (free !== undefined && free !== null && typeof free !== 'function')
    throw new TypeError(`disposable(): expected a dispose function, received ${describe(free)}`);
  const t = makeDisposable(resolveType(spec), name, (free as ((p: bigint) => void) | null | undefined) ?? null);
  if (name !== null) registerType(name, t);
  return t;
}

export function struct(...args: unknown[]): TypeObject { return makeAggregate('struct', args); }
export function pack(...args: unknown[]): TypeObject { return makeAggregate('pack', args); }
export function union(...args: unknown[]): TypeObject { return makeAggregate('union', args); }
export function array(ref: unknown, length: unknown, hint?: unknown, countedHint?: unknown): TypeObject {
  return makeArray(ref, length, hint, countedHint);
}
export function enumeration(...args: unknown[]): TypeObject { return makeEnumeration(args); }
export function offsetof(spec: unknown, member: unknown): number { return offsetOf(spec, member); }

/** Clears user-defined type names (mainly for tests that declare the same names again). */
export function reset(): void {
  resetTypes();
  memory.resetDecodeCache();
}

export function errno(value?: number): number {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value)))
    throw new TypeError(`errno(): expected an integer, received ${describe(value)}`);
  return native.errno(value);
}

export const os = { errno: Object.freeze(native.errnoTable()) };

export { config };

/**
 * disposed: results disposed so far; callbacks: registered callbacks; async: async calls in
 * flight; functions: declared functions alive (each is freed when it and its .async are collected).
 */
export function stats(): { disposed: number; callbacks: number; async: number; functions: number } {
  const s = native.stats();
  return { disposed: s.disposed + disposedInJs, callbacks: callbackStats().registered, async: s.async, functions: s.functions };
}

export function address(value: unknown): bigint {
  return native.address(value) ?? 0n;
}

export const alloc = memory.alloc;
export const free = memory.free;
export const encode = memory.encode;
export const view = memory.view;
export const as = memory.as;
export const decode: typeof memory.decode & memory.DecodeShortcuts = Object.assign(
  memory.decode,
  memory.decodeShortcuts());

export const internal = { layout: native.layout, planMagic: PLAN_MAGIC, callbacks: callbackStats };

export { types, Union, proto, callback, register, unregister, call, node };

const koffi = {
  load, struct, pack, union, array, enumeration, offsetof, type, resolve, introspect, sizeof, alignof, opaque, alias, pointer, out, inout, in: in_,
  disposable, reset, errno, os, config, stats, address, alloc, free, decode, encode, view, as, types, version, extension, internal, LibraryHandle: Library, Union,
  proto, callback, register, unregister, call, node,
};

export { in_ as in };
export default koffi;
