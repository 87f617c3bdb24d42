// Loads the compiled addon. CALLPLAN_NATIVE selects another build (cross builds, bundlers,
// Electron); otherwise the one node-gyp wrote next to the package.
import { join } from 'node:path';

export interface NativeLayout {
  gpr: number; sse: number; stackBytes: number; al: number; stack: number;
  magic: number; threaded: boolean; opcodes: string[];
}

export interface LibraryHandle { readonly __brand: 'LibraryHandle' }

export interface NativeAddon {
  load(path: string | null, flags: number): LibraryHandle;
  symbol(lib: LibraryHandle, name: string): bigint;
  unload(lib: LibraryHandle): void;
  /** Decodes the first `count` words as a plan; argTypes: the C type name of each argument, joined with newlines (for error messages). */
  definePlan(words: Uint32Array, count: number, argTypes: string): number;
  /** Forgets these definePlan() ids (ids are never reused). */
  dropPlans(ids: Uint32Array): void;
  /**
   * A function calling `address` (null: the symbol `name` of `lib`, throwing as symbol() does
   * when it is missing) with a definePlan() plan; signature: kept for signatureOf().
   */
  install(planId: number, lib: LibraryHandle, address: bigint | null, name: string, signature?: unknown): Function;
  /** A new async function for an installed function; undefined for any other value. */
  asyncOf(fn: unknown): Function | undefined;
  /** What install() was given as the signature of an installed function; undefined for any other value. */
  signatureOf(fn: unknown): unknown;
  errno(value?: number): number;
  defineType(kind: number, size: number, align: number, name: string, ref: number, length: number, hint: number,
             dispose: number, names?: string[], offsets?: number[], types?: number[], counters?: number[]): number;
  errnoTable(): Record<string, number>;
  config(values?: Record<string, number>): Record<string, number>;
  stats(): { disposed: number; async: number; functions: number };
  address(value: unknown): bigint | null;
  layout: NativeLayout;
  memory: {
    alloc(size: number): bigint;
    free(ptr: unknown): void;
    decode(target: unknown, offset: number, type: number): unknown;
    decodeString(target: unknown, offset: number, unit: number, length: number): string | null;
    encode(target: unknown, offset: number, type: number, value: unknown): void;
    view(ptr: unknown, length: unknown): ArrayBuffer;
    cast(value: unknown, type: number): object;
  };
  RTLD_LAZY: number; RTLD_NOW: number; RTLD_GLOBAL: number; RTLD_LOCAL: number; RTLD_DEEPBIND?: number;
}

function loadAddon(): NativeAddon {
  const path = process.env.CALLPLAN_NATIVE || join(__dirname, '..', 'build', 'Release', 'callplan.node');
  // A plain require would be resolved by bundlers; the addon is always loaded from disk.
  const req = typeof module !== 'undefined' && module.require ? module.require.bind(module) : require;
  return req(path) as NativeAddon;
}

export const native: NativeAddon = loadAddon();
