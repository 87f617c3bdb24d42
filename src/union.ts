// koffi.Union: a value with at most one active member for input, and for output the raw
// bytes, decoded as whichever member is read.
import { resolveType, describe, type TypeObject } from './types.js';
import type { MemberInfo } from './composite.js';
import { decode } from './memory.js';

/** The native marshaller stores the raw bytes of an output union under this key. */
export const UNION_RAW = Symbol.for('callplan.union.raw');

export class Union {
  #type: TypeObject;
  #active: string | null = null;
  #value: unknown = undefined;
  #raw: Uint8Array | null = null;

  constructor(spec: unknown) {
    const type = resolveType(spec);
    if (type.primitive !== 'Union') throw new TypeError(`Union(): expected a union type, received '${type.name}'`);
    this.#type = type;
    for (const m of Object.values(type.members ?? {}) as MemberInfo[]) {
      Object.defineProperty(this, m.name, {
        enumerable: true,
        get: () => {
          if (this.#raw) return decode(this.#raw, m.type);
          return this.#active === m.name ? this.#value : undefined;
        },
        set: (v: unknown) => {
          this.#active = m.name;
          this.#value = v;
          this.#raw = null;
        },
      });
    }
  }

  get [UNION_RAW](): Uint8Array | null { return this.#raw; }
  set [UNION_RAW](bytes: Uint8Array | null) {
    if (bytes !== null && !(bytes instanceof Uint8Array)) throw new TypeError(`Union: raw bytes must be a Uint8Array, received ${describe(bytes)}`);
    this.#raw = bytes;
    this.#active = null;
    this.#value = undefined;
  }

  get type(): TypeObject { return this.#type; }
}
