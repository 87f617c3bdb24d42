// Libraries and function declarations: prototypes and classic signatures become call plans
// installed once in the native interpreter.
import { native, type LibraryHandle } from './native.js';
import { parsePrototype, type Convention, type Direction } from './parser.js';
import { resolve, resolveSpecType, describe, internalsOf, type TypeObject, type ResolvedType, stringUnit } from './types.js';
import { definePlanCached, typeKey } from './plan.js';
import { abi } from './abi/index.js';

export interface LoadOptions { lazy?: boolean; global?: boolean; deep?: boolean }

export interface FunctionInfo {
  name: string;
  arguments: TypeObject[];
  result: TypeObject;
}

const CONVENTIONS: Record<string, Convention> = {
  __cdecl: 'cdecl', __stdcall: 'stdcall', __fastcall: 'fastcall', __thiscall: 'thiscall',
};

export interface Signature {
  name: string;
  convention: Convention;
  result: TypeObject;
  params: TypeObject[];
  directions: Direction[];
  variadic: boolean;
}

const DIRECTION_NAMES: Record<Direction, string> = { in: 'Input', out: 'Output', inout: 'Inout' };

function paramType(spec: unknown, index: number, fn: string): { type: TypeObject; direction: Direction } {
  let r: ResolvedType;
  try {
    r = resolve(spec);
  } catch (err) {
    if (err instanceof TypeError && spec === undefined) throw new TypeError(`${fn}(): parameter ${index + 1} has no type (undefined)`);
    throw err;
  }
  return checkParam(r, index, fn);
}

/** Names handed to dlopen/dlsym: a NUL would silently cut them short. */
export function checkCString(value: string, what: string): string {
  if (value.includes('\0')) throw new TypeError(`${what} ${JSON.stringify(value)} contains a NUL character`);
  return value;
}

function checkParam(r: ResolvedType, index: number, fn: string): { type: TypeObject; direction: Direction } {
  checkParamType(r.type, r.array.length, index, fn);
  return r;
}

function checkParamType(type: TypeObject, dimensions: number, index: number, fn: string): TypeObject {
  if (type.primitive === 'Array')
    throw new TypeError(`${fn}(): parameter ${index + 1} has array type '${type.name}'; C arrays decay to pointers, declare it as '${type.ref!.name} *'`);
  if (dimensions)
    throw new TypeError(`${fn}(): parameter ${index + 1} is an array type; C arrays decay to pointers, declare it as '${type.name} *'`);
  if (type.primitive === 'Void') throw new TypeError(`${fn}(): parameter ${index + 1} cannot be void`);
  return type;
}

function resultType(spec: unknown, fn: string): TypeObject {
  return checkResult(resolve(spec), fn);
}

function checkResult(r: ResolvedType, fn: string): TypeObject {
  return checkResultType(r.type, r.array.length, fn);
}

function checkResultType(type: TypeObject, dimensions: number, fn: string): TypeObject {
  if (type.primitive === 'Array')
    throw new TypeError(`${fn}(): the result has array type '${type.name}'; C functions cannot return arrays (they decay to pointers), return '${type.ref!.name} *'`);
  if (dimensions)
    throw new TypeError(`${fn}(): the result is an array type; C functions cannot return arrays, return '${type.name} *'`);
  return type;
}

/** Parses every accepted form of lib.func / koffi.proto into one signature. */
export function parseSignature(args: readonly unknown[], what: string): Signature {
  let convention: Convention = 'cdecl';
  let rest = args;
  if (rest.length === 4) {
    const c = rest[0];
    if (typeof c !== 'string' || !(c in CONVENTIONS))
      throw new TypeError(`${what}: invalid calling convention ${JSON.stringify(c)}, expected one of ${Object.keys(CONVENTIONS).join(', ')}`);
    convention = CONVENTIONS[c];
    rest = rest.slice(1);
  }
  if (rest.length === 1) {
    if (typeof rest[0] !== 'string') throw new TypeError(`${what}: expected a prototype string, received ${describe(rest[0])}`);
    const text = rest[0];
    const proto = parsePrototype(text);
    const count = proto.params.length;
    const params = new Array<TypeObject>(count);
    const directions = new Array<Direction>(count);
    for (let i = 0; i < count; i++) {
      const spec = proto.params[i].type;
      params[i] = checkParamType(resolveSpecType(spec, text), spec.array.length, i, proto.name);
      directions[i] = spec.direction;
    }
    return {
      name: proto.name,
      convention: proto.convention,
      result: checkResultType(resolveSpecType(proto.result, text), proto.result.array.length, proto.name),
      params,
      directions,
      variadic: proto.variadic,
    };
  }
  if (rest.length === 3) {
    const [name, result, params] = rest;
    if (typeof name !== 'string' && typeof name !== 'number')
      throw new TypeError(`${what}: expected a function name, received ${describe(name)}`);
    if (typeof name === 'number') throw new Error(`${what}: ordinal function names exist only on Windows`);
    if (!Array.isArray(params)) throw new TypeError(`${what}: expected an array of parameter types, received ${describe(params)}`);
    let variadic = false;
    // Array.from turns holes into undefined, which then fails with the parameter's position.
    const list = Array.from(params);
    if (list.length && list[list.length - 1] === '...') {
      variadic = true;
      list.pop();
    }
    const resolved = list.map((p, i) => {
      if (p === '...') throw new TypeError(`${name}(): '...' must be the last parameter`);
      return paramType(p, i, name);
    });
    return {
      name, convention,
      result: resultType(result, name),
      params: resolved.map((p) => p.type),
      directions: resolved.map((p) => p.direction),
      variadic,
    };
  }
  throw new TypeError(`${what}: expected (prototype), (name, result, params) or (convention, name, result, params), received ${args.length} arguments`);
}


const warned = new Set<string>();
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(message, 'DeprecationWarning');
}

export class Library {
  #handle: LibraryHandle;
  #path: string | null;

  constructor(path: string | null, options: LoadOptions = {}) {
    this.#path = path;
    let flags = options.lazy ? native.RTLD_LAZY : native.RTLD_NOW;
    flags |= options.global ? native.RTLD_GLOBAL : native.RTLD_LOCAL;
    if (options.deep) {
      if (native.RTLD_DEEPBIND === undefined) throw new Error('The deep option (RTLD_DEEPBIND) is not available on this platform');
      flags |= native.RTLD_DEEPBIND;
    }
    this.#handle = native.load(path === null ? null : checkCString(path, 'load(): path'), flags);
  }

  func(...args: unknown[]): Function {
    return declare(this.#handle, parseSignature(args, 'func()'));
  }

  cdecl(...args: unknown[]): Function { return this.#withConvention('__cdecl', args); }
  stdcall(...args: unknown[]): Function { return this.#withConvention('__stdcall', args); }
  fastcall(...args: unknown[]): Function { return this.#withConvention('__fastcall', args); }
  thiscall(...args: unknown[]): Function { return this.#withConvention('__thiscall', args); }

  #withConvention(convention: string, args: unknown[]): Function {
    warnOnce(`lib.${convention.slice(2)}()`, `lib.${convention.slice(2)}() is deprecated, use lib.func() with '${convention}' in the prototype or as the first argument`);
    const sig = parseSignature(args.length === 3 ? [convention, ...args] : args, `${convention.slice(2)}()`);
    return declare(this.#handle, sig);
  }

  symbol(name: unknown, type?: unknown): bigint {
    if (typeof name !== 'string') throw new TypeError(`symbol(): expected a symbol name, received ${describe(name)}`);
    if (type !== undefined) resolve(type);
    return native.symbol(this.#handle, checkCString(name, 'symbol(): name'));
  }

  unload(): void {
    native.unload(this.#handle);
  }

  get path(): string | null { return this.#path; }
}

export function declare(handle: LibraryHandle, sig: Signature): Function {
  checkCString(sig.name, 'Function name');
  return declareAt(handle, null, sig);
}

/**
 * A function at a known address (function pointers: koffi.call, decoded callbacks), or with a
 * null address the symbol sig.name of the library (looked up by the addon as it installs).
 */
export function declareAt(handle: LibraryHandle, address: bigint | null, sig: Signature): Function {
  if (sig.variadic) return declareVariadic(handle, address ?? native.symbol(handle, sig.name), sig);
  const dispose = disposerOf(sig.result);
  const result = dispose ? resolve('void *').type : sig.result;
  let planId: number;
  try {
    planId = definePlanCached(sig.params, result, sig.directions, sig.convention);
  } catch (err) {
    // A missing symbol is reported before what is wrong with the signature, as it always was.
    if (address === null) native.symbol(handle, sig.name);
    throw err;
  }
  const fn = native.install(planId, handle, address, sig.name, sig);
  Object.defineProperty(fn, 'async', ASYNC_PROPERTY);
  Object.defineProperty(fn, 'info', INFO_PROPERTY);
  return dispose ? withDisposer(fn, sig, dispose) : fn;
}

// fn.async and fn.info are made on first read: most declared functions never use them. The
// accessors are shared by every declared function (so all of them share one V8 map); the first
// read, or a write, turns each into a plain data property, as Koffi has them. Installed
// functions are found through the addon (native.asyncOf / signatureOf), the JavaScript wrappers
// of variadic functions and disposable results through wrapperSignatures.
const wrapperSignatures = new WeakMap<object, Signature>();

function dataProperty(fn: unknown, key: string, value: unknown): boolean {
  return Reflect.defineProperty(fn as object, key, { value, writable: true, enumerable: true, configurable: true });
}

// For functions whose properties cannot be redefined any more (Object.freeze / seal /
// preventExtensions): what the first read made, so later reads give the same value.
const madeOnFrozen = new WeakMap<object, Record<string, unknown>>();

function lazyProperty(key: string, make: (fn: unknown) => unknown): PropertyDescriptor {
  return {
    get(this: unknown) {
      const kept = madeOnFrozen.get(this as object)?.[key];
      if (kept !== undefined) return kept;
      const value = make(this);
      if (value === undefined || dataProperty(this, key, value)) return value;
      let made = madeOnFrozen.get(this as object);
      if (!made) madeOnFrozen.set(this as object, (made = {}));
      return (made[key] = value);
    },
    set(this: unknown, value: unknown) {
      dataProperty(this, key, value);
    },
    enumerable: true,
    configurable: true,
  };
}

const ASYNC_PROPERTY = lazyProperty('async', (fn) => native.asyncOf(fn));
const INFO_PROPERTY = lazyProperty('info', (fn) => {
  const sig = (native.signatureOf(fn) as Signature | undefined) ?? wrapperSignatures.get(fn as object);
  return sig === undefined ? undefined : infoOf(sig);
});

// A JavaScript wrapper standing for the declared function `sig`: its fn.info.
function defineInfo(fn: Function, sig: Signature): void {
  wrapperSignatures.set(fn, sig);
  Object.defineProperty(fn, 'info', INFO_PROPERTY);
}

function infoOf(sig: Signature): FunctionInfo {
  return {
    name: sig.name,
    arguments: sig.params.map((t, i) => ({ ...t, type: t, direction: DIRECTION_NAMES[sig.directions[i]] })),
    result: sig.result,
  };
}

/** Counts results disposed by JavaScript dispose functions (the native side counts its own). */
export let disposedInJs = 0;

// C free() on strings is done natively; other disposables (pointer results, or a JavaScript
// dispose function) get the raw pointer back and are converted and disposed here.
function disposerOf(t: TypeObject): ((p: bigint) => void) | null {
  if (!t.disposable) return null;
  const d = internalsOf(t).dispose;
  if (d === 'free' && t.primitive !== 'Pointer') return null;
  return d === 'free' || d === undefined ? (p: bigint) => native.memory.free(p) : d;
}

function withDisposer(raw: Function, sig: Signature, dispose: (p: bigint) => void): Function {
  const unit = stringUnit(sig.result);
  const convert = (p: unknown) => {
    if (p === null) return null;
    try {
      return unit ? native.memory.decodeString(p, 0, unit, -1) : p;
    } finally {
      dispose(p as bigint);
      disposedInJs++;
    }
  };
  const fn = function (this: unknown, ...args: unknown[]) {
    return convert(raw(...args));
  };
  Object.defineProperty(fn, 'name', { value: sig.name });
  const rawAsync = (raw as unknown as { async: (...args: unknown[]) => Promise<unknown> }).async;
  dataProperty(fn, 'async', function (...args: unknown[]) {
    const cb = args.length > sig.params.length && typeof args[args.length - 1] === 'function' ? args.pop() as Function : null;
    const promise = rawAsync(...args).then(convert);
    if (!cb) return promise;
    promise.then((v) => cb(null, v), (e) => cb(e));
    return undefined;
  });
  defineInfo(fn, sig);
  return fn;
}

// Variadic calls take (type, value) pairs after the fixed arguments; each distinct list of
// types is compiled once and cached.
function declareVariadic(handle: LibraryHandle, address: bigint, sig: Signature): Function {
  const fixed = sig.params.length;
  // Only the caller can pop a variable number of arguments (i386: cdecl); throws otherwise.
  if (sig.convention !== 'cdecl') abi.lower(sig.params, sig.result, true, sig.convention);
  // Per list of variadic types: the installed function, and which values are floats (rounded
  // to float precision here, before C promotes them to double).
  const cache = new Map<string, { target: Function; floats: boolean[] }>();
  const name = sig.name;
  const fn = function (this: unknown, ...args: unknown[]) {
    if (args.length < fixed || (args.length - fixed) % 2 !== 0)
      throw new TypeError(`${name}(): expected ${fixed} fixed argument${fixed === 1 ? '' : 's'} followed by (type, value) pairs, received ${args.length} arguments`);
    let key = '';
    for (let i = fixed; i < args.length; i += 2) {
      const t = args[i];
      // Length-prefixed strings and numbered objects: no string can pass for a TypeObject.
      key += typeof t === 'string' ? `s${t.length}:${t}` : typeof t === 'object' && t !== null ? `o${typeKey(t)};` : `?${String(t)};`;
    }
    let entry = cache.get(key);
    if (!entry) {
      const extra: TypeObject[] = [];
      const floats: boolean[] = [];
      for (let i = fixed; i < args.length; i += 2) {
        const r = resolve(args[i]);
        if (r.array.length || r.type.primitive === 'Void')
          throw new TypeError(`${name}(): variadic argument ${(i - fixed) / 2 + 1} has invalid type '${r.type.name}'`);
        floats.push(r.type.primitive === 'Float32');
        extra.push(promote(r.type));
      }
      const params = [...sig.params, ...extra];
      const planId = definePlanCached(params, sig.result, sig.directions, sig.convention, true);
      entry = { target: native.install(planId, handle, address, name), floats };
      if (cache.size < 1024) cache.set(key, entry);
    }
    const values: unknown[] = args.slice(0, fixed);
    for (let i = fixed + 1, k = 0; i < args.length; i += 2, k++) {
      const v = args[i];
      values.push(entry.floats[k] && typeof v === 'number' ? Math.fround(v) : v);
    }
    return entry.target(...values);
  };
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(fn, 'async', {
    value: () => {
      throw new Error(`${name}(): variadic functions cannot be called asynchronously`);
    },
  });
  defineInfo(fn, sig);
  return fn;
}

// Default argument promotions of C: float becomes double in a variadic call.
function promote(t: TypeObject): TypeObject {
  return t.primitive === 'Float32' ? (resolve('double').type) : t;
}
