// Callbacks: prototype types (koffi.proto, koffi.callback), callback plans, registered callbacks,
// and the Node integration (koffi.node.env, koffi.node.poll).
//
// A callback plan is a call plan run the other way: for each parameter, where the C caller left
// it (register or stack slot, in the offsets of the call frame) and its type; then where the
// result goes. The native dispatcher (native/interp/callback.cc) runs it for every call that
// enters a trampoline.
import { native } from './native.js';
import { parseSignature, warnOnce, declareAt, type Signature } from './library.js';
import type { LibraryHandle } from './native.js';
import { makeType, registerType, resolveType, describe, POINTER_SIZE, type TypeObject, type Primitive } from './types.js';
import type { Convention } from './parser.js';
import { abi, packSlots } from './abi/index.js';
import { describeType } from './describe.js';
import { Op, type OpName } from './gen/opcodes.js';

interface CallbackAddon {
  /** loader, buffer and stored: see makeLoader; all absent when C++ converts every argument and the result. */
  defineCallback(words: Uint32Array, name: string, loader?: Function, buffer?: ArrayBuffer, stored?: object): number;
  register(fn: Function, proto: number): bigint;
  unregister(ptr: bigint): void;
  callbackStats(): CallbackStats;
  nodeEnv(): bigint;
  pollOpen(fd: number): PollToken;
  pollStart(handle: PollToken, events: number, fn: Function, owner: object): void;
  pollStop(handle: PollToken): void;
  pollClose(handle: PollToken): void;
  pollRef(handle: PollToken, ref: boolean): void;
}

interface PollToken { readonly __brand: 'PollToken' }

const addon = native as unknown as CallbackAddon;

const DIRECTION_NAMES = { in: 'Input', out: 'Output', inout: 'Inout' } as const;

export interface ProtoInfo {
  name: string;
  arguments: Array<{ type: TypeObject; direction: string }>;
  result: TypeObject;
}

/** The signature behind each prototype's public `proto` object. */
const signatures = new WeakMap<object, Signature>();
const protoIds = new WeakMap<object, number>();
let anonymousCount = 0;

const ANONYMOUS = '__callplan_anonymous';

function parseProto(args: unknown[]): { sig: Signature; anonymous: boolean } {
  // Anonymous prototypes: 'int (int a)', or null / '' as the name.
  if (args.length === 1 && typeof args[0] === 'string') {
    try {
      return { sig: parseSignature(args, 'proto()'), anonymous: false };
    } catch (err) {
      const text = args[0];
      const open = text.indexOf('(');
      if (open < 0) throw err;
      try {
        return { sig: parseSignature([`${text.slice(0, open)} ${ANONYMOUS}${text.slice(open)}`], 'proto()'), anonymous: true };
      } catch {
        throw err;
      }
    }
  }
  if (args.length === 3 || args.length === 4) {
    const at = args.length - 3;
    if (args[at] === null || args[at] === undefined || args[at] === '') {
      const named = args.slice();
      named[at] = ANONYMOUS;
      return { sig: parseSignature(named, 'proto()'), anonymous: true };
    }
  }
  return { sig: parseSignature(args, 'proto()'), anonymous: false };
}

function checkCallbackType(t: TypeObject, what: string, proto: string): void {
  if (t.primitive === 'Prototype')
    throw new TypeError(`proto(): ${what} of '${proto}' has prototype type '${t.name}'; use a pointer to it ('${t.name} *')`);
}

/** koffi.proto(prototype), proto(name, result, params), proto(convention, name, result, params). */
export const MAX_CALLBACK_ARGS = 64;

export function proto(...args: unknown[]): TypeObject {
  const { sig, anonymous } = parseProto(args);
  const name = anonymous ? `<anonymous_${anonymousCount++}>` : sig.name;
  // The callback dispatcher passes at most this many arguments to JS (native kMaxCallbackArgs).
  if (sig.params.length > MAX_CALLBACK_ARGS)
    throw new TypeError(`proto(): '${name}' has ${sig.params.length} parameters; callbacks take at most ${MAX_CALLBACK_ARGS}`);
  sig.params.forEach((t, i) => checkCallbackType(t, `parameter ${i + 1}`, name));
  checkCallbackType(sig.result, 'the result', name);
  const info: ProtoInfo = {
    name,
    arguments: sig.params.map((type, i) => ({ type, direction: DIRECTION_NAMES[sig.directions[i]] })),
    result: sig.result,
  };
  const t = makeType(name, 'Prototype', POINTER_SIZE, POINTER_SIZE, { proto: info });
  if (!anonymous) registerType(name, t);
  signatures.set(info, { ...sig, name });
  return t;
}

export const callback = proto;

type Inst = [OpName, number, number, number];

// How the loader reads a parameter from its 8-byte word i (see makeLoader), for the types whose
// JS values optimised JS makes from a typed array for next to nothing, while C++ pays a call
// into V8 and an allocation (HeapNumber, BigInt). The others (64-bit and byte-swapped integers,
// strings, aggregates) are converted by C++. A pointer word holds only the pointer's bytes.
const LOADS: Partial<Record<Primitive, (i: number) => string>> = {
  Bool: (i) => `u8[${8 * i}] !== 0`,
  Int8: (i) => `i8[${8 * i}]`, UInt8: (i) => `u8[${8 * i}]`,
  Int16: (i) => `i16[${4 * i}]`, UInt16: (i) => `u16[${4 * i}]`,
  Int32: (i) => `i32[${2 * i}]`, UInt32: (i) => `u32[${2 * i}]`,
  Float32: (i) => `f32[${2 * i}]`, Float64: (i) => `f64[${i}]`,
  Pointer: (i) => loadPointer(i), Callback: (i) => loadPointer(i),
};

// NULL is told from the word's two 32-bit halves (on a 32-bit ISA the upper one stays 0):
// comparing the BigInt with 0n, or testing its truth, costs optimised JS a call each time.
function loadPointer(i: number): string {
  return `((u32[${2 * i}] | u32[${2 * i + 1}]) === 0 ? null : u64[${i}])`;
}

// Number results the loader stores in the word after the parameters' (CB_RET with arg 1): a
// typed-array store converts as C converts a number (ToInt32 and co. truncate and wrap, Float32
// rounds), as the marshaller does, without a call into V8 to read the value.
const STORES: ReadonlySet<Primitive> = new Set<Primitive>(['Int8', 'UInt8', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Float32', 'Float64']);

export interface CallbackPlan {
  words: Uint32Array;
  listing: string[];
  /** The JS expression of each parameter the loader reads, or null when C++ converts it. */
  loads: Array<string | null>;
  /** The typed-array element the loader stores a number result in, or null when C++ converts it. */
  store: string | null;
}

/**
 * The callback plan of a signature: frame -> JS arguments, JS result -> return registers.
 * Parameters the loader reads are copied by CB_LOAD to their word; the others are converted by
 * CB_ARG* into the V8 call's arguments, whose first is the JS function when there is a loader.
 */
export function compileCallbackPlan(params: readonly TypeObject[], result: TypeObject, convention: Convention = 'cdecl'): CallbackPlan {
  const lowering = abi.lower(params, result, false, convention);
  const loads = params.map((t, i) => (lowering.args[i].kind === 'slot' && LOADS[t.primitive]?.(i)) || null);
  const r = lowering.result;
  const store = (r.kind === 'int' || r.kind === 'float') && STORES.has(result.primitive) ? LOADS[result.primitive]!(params.length) : null;
  let slot = store !== null || loads.some((l) => l !== null) ? 1 : 0;
  const insts: Inst[] = [];
  params.forEach((t, i) => {
    const loc = lowering.args[i];
    if (loads[i] !== null && loc.kind === 'slot') {
      insts.push(['CB_LOAD', loc.offset, i, t.size]);
    } else if (loc.kind === 'pieces') {
      // A padding piece is read from any real slot: its bytes are not decoded.
      const spare = loc.slots.find((s) => s !== null) ?? 0;
      insts.push(['CB_ARG_AGG', packSlots(loc.slots, spare), slot++ | (loc.piece << 16), describeType(t)]);
    } else {
      insts.push([loc.kind === 'ref' ? 'CB_ARG_REF' : 'CB_ARG', loc.offset, slot++, describeType(t)]);
    }
  });
  const stored = store !== null ? 1 : 0;
  switch (r.kind) {
    case 'void':
    case 'int': insts.push(['CB_RET', abi.RET.int, stored, describeType(result)]); break;
    case 'float': insts.push(['CB_RET', abi.RET.float, stored, describeType(result)]); break;
    case 'pieces': insts.push(['CB_RET_AGG', packSlots(r.slots, r.spare), r.piece, describeType(result)]); break;
    case 'memory': insts.push(['CB_RET_AGG_MEM', r.offset, 0, describeType(result)]); break;
  }
  insts.push(['END', 0, 0, 0]);
  const words = new Uint32Array(4 + insts.length * 4);
  words[0] = native.layout.magic;
  words[1] = params.length;
  words[2] = lowering.callbackWord ?? 0;
  words[3] = insts.length;
  insts.forEach(([op, dst, arg, aux], i) => words.set([Op[op], dst, arg, aux], 4 + i * 4));
  return { words, loads, store, listing: insts.map(([op, dst, arg, aux]) => `${op} ${dst} ${arg} ${aux}`) };
}

/**
 * The loader of a prototype whose plan has CB_LOAD instructions or a stored result: the
 * dispatcher copies the loaded parameters' bits to `buffer` (parameter i at byte 8 * i) and calls
 * the loader with the JS function and the parameters C++ converted. A number result is stored in
 * the word after the parameters' and the loader returns `stored`, telling the dispatcher to read
 * it there; other values go back to C++ to convert (BigInt, booleans) or refuse. E.g. for
 * int (void *, double, const char *):
 *   function callback(fn, a2) {
 *     const r = fn((u32[0] | u32[1]) === 0 ? null : u64[0], f64[1], a2);
 *     if (typeof r !== 'number') return r;
 *     i32[6] = r;
 *     return stored;
 *   }
 * It reads every word before it calls fn, and the dispatcher reads the result before any other
 * JS runs, so nested callbacks may reuse the words.
 */
function makeLoader(loads: ReadonlyArray<string | null>, store: string | null): { loader: Function; buffer: ArrayBuffer; stored: object } | null {
  if (store === null && loads.every((l) => l === null)) return null;
  const buffer = new ArrayBuffer(8 * (loads.length + 1));
  const views = [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, BigUint64Array]
    .map((View) => new View(buffer));
  const stored = Object.freeze({});
  const converted = loads.flatMap((l, i) => (l === null ? [`a${i}`] : []));
  const call = `fn(${loads.map((l, i) => l ?? `a${i}`).join(', ')})`;
  const body = store === null ? `return ${call};` : `const r = ${call}; if (typeof r !== 'number') return r; ${store} = r; return stored;`;
  const factory = new Function('u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'f64', 'u64', 'stored',
    `'use strict';\n` +
    `return function callback(${['fn', ...converted].join(', ')}) { ${body} };\n` +
    '//# sourceURL=callplan:callback');
  return { loader: factory(...views, stored), buffer, stored };
}

/** The native prototype id of a callback type ('CB *'), installing its plan on first use. */
export function callbackProtoId(t: TypeObject): number {
  const info = t.proto as object | undefined;
  const sig = info && signatures.get(info);
  if (!info || !sig) throw new TypeError(`'${t.name}' is not a callback type: declare one with koffi.proto() and use a pointer to it`);
  let id = protoIds.get(info);
  if (id === undefined) {
    const plan = compileCallbackPlan(sig.params, sig.result, sig.convention);
    const loader = makeLoader(plan.loads, plan.store);
    id = loader
      ? addon.defineCallback(plan.words, sig.name, loader.loader, loader.buffer, loader.stored)
      : addon.defineCallback(plan.words, sig.name);
    protoIds.set(info, id);
  }
  return id;
}

function callbackType(spec: unknown, fn: string): TypeObject {
  const t = resolveType(spec);
  if (t.primitive === 'Callback') return t;
  if (t.primitive === 'Prototype')
    throw new TypeError(`${fn}(): expected a callback pointer type, received prototype '${t.name}'; use '${t.name} *' or koffi.pointer(${t.name})`);
  throw new TypeError(`${fn}(): expected a callback pointer type such as 'MyCallback *', received '${t.name}'`);
}

/**
 * koffi.register(fn, type) -> BigInt function pointer, valid until koffi.unregister().
 * The deprecated register(thisValue, fn, type) binds `this`.
 */
export function register(...args: unknown[]): bigint {
  let fn: unknown;
  let type: unknown;
  if (args.length === 3 && typeof args[1] === 'function') {
    warnOnce('register-this', 'koffi.register(thisValue, fn, type) is deprecated, use koffi.register(fn.bind(thisValue), type) instead');
    fn = (args[1] as Function).bind(args[0]);
    type = args[2];
  } else if (args.length === 2) {
    [fn, type] = args;
  } else {
    throw new TypeError(`register(): expected (function, type), received ${args.length} argument${args.length === 1 ? '' : 's'}`);
  }
  if (typeof fn !== 'function') throw new TypeError(`register(): expected a function, received ${describe(fn)}`);
  return addon.register(fn, callbackProtoId(callbackType(type, 'register')));
}

export function unregister(ptr: unknown): void {
  if (typeof ptr !== 'bigint') throw new TypeError(`unregister(): expected a pointer returned by register(), received ${describe(ptr)}`);
  addon.unregister(ptr);
}

/** What the addon reports of its callbacks, for tests and diagnostics. */
export interface CallbackStats {
  registered: number;
  transient: number;
  capacity: number;
  free: number;
  signal: number;
  /** Callback handle scopes open without calls into V8 (native/interp/scope.h). */
  inlineScopes: boolean;
  /** V8's count of open handle scopes on this thread, or -1 when its record was not found. */
  scopeLevel: number;
  /** Callback scopes closed through V8 after V8 added a block of handles. */
  grownScopes: number;
  /** V8's count of live handles on this thread. */
  handles: number;
  table: bigint;
}

/** Trampoline use, for tests and koffi.stats(). */
export function callbackStats(): CallbackStats {
  return addon.callbackStats();
}

// --- Function pointers ----------------------------------------------------------------------

let processHandle: LibraryHandle | null = null;
const pointerFunctions = new WeakMap<object, Map<bigint, Function>>();
const POINTER_FUNCTIONS_PER_PROTO = 256;

/**
 * A JS function calling the C function at `ptr` with the prototype `spec` (a prototype or a
 * pointer to one): koffi.call() and koffi.decode(ptr, Proto).
 */
export function functionAt(ptr: unknown, spec: unknown, what: string): Function {
  const t = resolveType(spec);
  const info = t.proto as object | undefined;
  const sig = info && signatures.get(info);
  if (!info || !sig) throw new TypeError(`${what}: expected a prototype type, received '${t.name}'`);
  if (typeof ptr !== 'bigint') throw new TypeError(`${what}: expected a function pointer (BigInt), received ${describe(ptr)}`);
  if (ptr === 0n) throw new Error(`${what}: cannot call a NULL function pointer`);
  let cache = pointerFunctions.get(info);
  if (!cache) pointerFunctions.set(info, (cache = new Map()));
  let fn = cache.get(ptr);
  if (!fn) {
    processHandle ??= native.load(null, native.RTLD_NOW);
    fn = declareAt(processHandle, ptr, sig);
    if (cache.size >= POINTER_FUNCTIONS_PER_PROTO) cache.clear();
    cache.set(ptr, fn);
  }
  return fn;
}

/** koffi.call(ptr, type, ...args) */
export function call(ptr: unknown, type: unknown, ...args: unknown[]): unknown {
  return functionAt(ptr, type, 'call()')(...args);
}

// --- Node integration ---------------------------------------------------------------------

const UV_READABLE = 1;
const UV_WRITABLE = 2;
const UV_DISCONNECT = 4;
const POLL_OPTIONS: Record<string, number> = { readable: UV_READABLE, writable: UV_WRITABLE, disconnect: UV_DISCONNECT };

export interface PollOptions { readable?: boolean; writable?: boolean; disconnect?: boolean }
export interface PollEvents { readable: boolean; writable: boolean; disconnect: boolean }
export type PollCallback = (this: PollHandle, status: number, events: PollEvents) => void;

function pollEvents(opts: unknown, fn: string): number {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new TypeError(`${fn}: expected an options object, received ${describe(opts)}`);
  const unknown = Object.keys(opts).filter((k) => !(k in POLL_OPTIONS));
  if (unknown.length)
    throw new Error(`${fn}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; known: ${Object.keys(POLL_OPTIONS).join(', ')}`);
  let events = 0;
  for (const [key, value] of Object.entries(opts as Record<string, unknown>)) {
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${fn}: option '${key}' must be a boolean, received ${describe(value)}`);
    if (value) events |= POLL_OPTIONS[key];
  }
  return events;
}

/** (opts, callback) or (callback): readable only when no options are given. */
function pollArgs(args: unknown[], fn: string): { events: number; callback: PollCallback } {
  const [a, b] = args;
  if (typeof a === 'function' && b === undefined) return { events: UV_READABLE, callback: a as PollCallback };
  if (typeof b !== 'function') throw new TypeError(`${fn}: expected a callback function, received ${describe(b === undefined ? a : b)}`);
  return { events: pollEvents(a, fn), callback: b as PollCallback };
}

const CONSTRUCT = Symbol('callplan.poll');

/** A file descriptor watched on the libuv loop; the callback gets (status, events). */
export class PollHandle {
  #handle: PollToken;

  constructor(token?: unknown, fd?: number) {
    if (token !== CONSTRUCT) throw new TypeError('Poll handles cannot be constructed manually, use koffi.node.poll()');
    this.#handle = addon.pollOpen(fd as number);
  }

  start(...args: unknown[]): void {
    const { events, callback } = pollArgs(args, 'PollHandle.start()');
    addon.pollStart(this.#handle, events, callback, this);
  }

  stop(): void { addon.pollStop(this.#handle); }
  close(): void { addon.pollClose(this.#handle); }
  ref(): void { addon.pollRef(this.#handle, true); }
  unref(): void { addon.pollRef(this.#handle, false); }
  [Symbol.dispose](): void { this.close(); }
}

export function poll(fd: unknown, ...args: unknown[]): PollHandle {
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0)
    throw new TypeError(`poll(): expected a file descriptor (a non-negative integer), received ${typeof fd === 'number' ? fd : describe(fd)}`);
  pollArgs(args, 'poll()');
  const handle = new PollHandle(CONSTRUCT, fd);
  try {
    handle.start(...args);
  } catch (err) {
    handle.close();
    throw err;
  }
  return handle;
}

export const node = {
  env: addon.nodeEnv(),
  poll,
  PollHandle,
};
