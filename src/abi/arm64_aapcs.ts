// AArch64 (AAPCS64, Linux): where each argument goes and how the result comes back.
// Pure functions over TypeObjects, unit-tested without native code.
import type { TypeObject } from '../types.js';
import { isAggregate } from './x64_sysv.js';
import type { ArgLowering, Lowering, ResultLowering } from './lowering.js';

/** Byte offsets of the arm64 call frame; the arm64 stub reads the same layout. */
export const FRAME = { gpr: 0, fpr: 64, x8: 128, stackBytes: 136, stack: 144 } as const;
export const GPR_COUNT = 8;
export const FPR_COUNT = 8;

export type Location =
  | { kind: 'gpr'; index: number }
  | { kind: 'fpr'; index: number; size: 4 | 8 }
  | { kind: 'stack'; offset: number; size: number }
  /** A composite in consecutive integer registers, 8 bytes each. */
  | { kind: 'gprs'; first: number; count: number }
  /** A homogeneous float aggregate, one member per vector register. */
  | { kind: 'hfa'; first: number; count: number; size: 4 | 8 }
  /** A composite over 16 bytes: the caller copies it and passes the copy's address here. */
  | { kind: 'ref'; to: { kind: 'gpr'; index: number } | { kind: 'stack'; offset: number } };

export type ResultLocation =
  | { kind: 'void' }
  | { kind: 'x0' }
  | { kind: 'v0'; size: 4 | 8 }
  | { kind: 'gprs'; count: number }
  | { kind: 'hfa'; count: number; size: 4 | 8 }
  /** Composites over 16 bytes: the caller passes the result address in x8. */
  | { kind: 'memory' };

export interface Placement {
  args: Location[];
  stackBytes: number;
  result: ResultLocation;
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function isFloat(t: TypeObject): boolean {
  return t.primitive === 'Float32' || t.primitive === 'Float64';
}

/** The member type and count of a homogeneous floating-point aggregate (1 to 4 members). */
export function homogeneousFloat(t: TypeObject): { size: 4 | 8; count: number } | null {
  const leaves: TypeObject[] = [];
  const walk = (u: TypeObject, depth: number): boolean => {
    if (depth > 64) return false;
    if (u.primitive === 'Record' || u.primitive === 'Union') {
      const members = Object.values(u.members ?? {}) as Array<{ type: TypeObject }>;
      if (u.primitive === 'Union') {
        // A union is homogeneous when all its members are the same HFA shape.
        let shape: { size: 4 | 8; count: number } | null = null;
        for (const m of members) {
          const h = homogeneousFloat(m.type);
          if (!h || (shape && (h.size !== shape.size || h.count !== shape.count))) return false;
          shape = h;
        }
        if (!shape) return false;
        for (let i = 0; i < shape.count; i++) leaves.push({ primitive: shape.size === 4 ? 'Float32' : 'Float64', size: shape.size } as TypeObject);
        return true;
      }
      return members.every((m) => walk(m.type, depth + 1));
    }
    if (u.primitive === 'Array') {
      for (let i = 0; i < (u.length ?? 0); i++) if (!walk(u.ref!, depth + 1)) return false;
      return true;
    }
    if (!isFloat(u)) return false;
    leaves.push(u);
    return true;
  };
  if (!walk(t, 0) || leaves.length < 1 || leaves.length > 4) return null;
  const size = leaves[0].size;
  if (!leaves.every((l) => l.size === size)) return null;
  // Padding would break the one-member-per-register layout.
  if (t.size !== size * leaves.length) return null;
  return { size: size as 4 | 8, count: leaves.length };
}

export function place(args: readonly TypeObject[], result: TypeObject): Placement {
  let ngrn = 0;
  let nsrn = 0;
  let nsaa = 0;
  const stackSlot = (size: number, align: number): { kind: 'stack'; offset: number; size: number } => {
    nsaa = alignUp(nsaa, Math.max(8, align));
    const loc = { kind: 'stack' as const, offset: nsaa, size };
    nsaa += alignUp(size, 8);
    return loc;
  };

  let res: ResultLocation;
  if (result.primitive === 'Void') res = { kind: 'void' };
  else if (isAggregate(result)) {
    const h = homogeneousFloat(result);
    if (h) res = { kind: 'hfa', count: h.count, size: h.size };
    else if (result.size > 16) res = { kind: 'memory' };
    else res = { kind: 'gprs', count: Math.max(1, Math.ceil(result.size / 8)) };
  } else if (isFloat(result)) res = { kind: 'v0', size: result.size as 4 | 8 };
  else res = { kind: 'x0' };

  const locations: Location[] = [];
  for (const t of args) {
    if (isAggregate(t)) {
      const h = homogeneousFloat(t);
      if (h) {
        if (nsrn + h.count <= FPR_COUNT) {
          locations.push({ kind: 'hfa', first: nsrn, count: h.count, size: h.size });
          nsrn += h.count;
        } else {
          // No partial split: the vector registers are closed for later arguments too.
          nsrn = FPR_COUNT;
          locations.push(stackSlot(t.size, t.alignment));
        }
        continue;
      }
      if (t.size > 16) {
        const to = ngrn < GPR_COUNT ? { kind: 'gpr' as const, index: ngrn++ } : stackSlot(8, 8);
        locations.push({ kind: 'ref', to: to.kind === 'gpr' ? to : { kind: 'stack', offset: to.offset } });
        continue;
      }
      const words = Math.max(1, Math.ceil(t.size / 8));
      if (t.alignment === 16) ngrn = alignUp(ngrn, 2);
      if (ngrn + words <= GPR_COUNT) {
        locations.push({ kind: 'gprs', first: ngrn, count: words });
        ngrn += words;
      } else {
        ngrn = GPR_COUNT;
        locations.push(stackSlot(t.size, t.alignment));
      }
      continue;
    }
    if (isFloat(t)) {
      if (nsrn < FPR_COUNT) locations.push({ kind: 'fpr', index: nsrn++, size: t.size as 4 | 8 });
      else locations.push(stackSlot(t.size, t.alignment));
    } else if (ngrn < GPR_COUNT) {
      locations.push({ kind: 'gpr', index: ngrn++ });
    } else {
      locations.push(stackSlot(8, 8));
    }
  }
  return { args: locations, stackBytes: alignUp(nsaa, 16), result: res };
}

export const ISA = 'arm64_aapcs';

/** Return-area offsets, as the arm64 stub stores the registers: x0, x1, then d0..d3. */
export const RET = { int: 0, float: 16 } as const;

function slotOffset(loc: { kind: 'gpr'; index: number } | { kind: 'stack'; offset: number }): number {
  return loc.kind === 'gpr' ? FRAME.gpr + 8 * loc.index : FRAME.stack + loc.offset;
}

const fprOffset = (index: number) => FRAME.fpr + 8 * index;

export function lower(args: readonly TypeObject[], result: TypeObject, _variadic: boolean): Lowering {
  // Linux passes variadic arguments as named ones (unlike Apple's arm64 ABI).
  const p = place(args, result);
  const lowered = p.args.map((loc): ArgLowering => {
    switch (loc.kind) {
      case 'gpr': return { kind: 'slot', offset: slotOffset(loc) };
      case 'fpr': return { kind: 'slot', offset: fprOffset(loc.index) };
      case 'stack': return { kind: 'slot', offset: slotOffset(loc) };
      // Consecutive x registers have consecutive frame slots: the composite is stored whole.
      case 'gprs': return { kind: 'slot', offset: FRAME.gpr + 8 * loc.first };
      case 'hfa': return { kind: 'pieces', piece: loc.size, slots: Array.from({ length: loc.count }, (_, k) => fprOffset(loc.first + k)) };
      case 'ref': return { kind: 'ref', offset: slotOffset(loc.to) };
    }
  });
  let res: ResultLowering;
  const r = p.result;
  switch (r.kind) {
    case 'void': res = { kind: 'void' }; break;
    case 'x0': res = { kind: 'int' }; break;
    case 'v0': res = { kind: 'float' }; break;
    case 'gprs': res = { kind: 'pieces', piece: 8, slots: r.count === 1 ? [RET.int] : [RET.int, RET.int + 8], spare: RET.float }; break;
    case 'hfa': res = { kind: 'pieces', piece: r.size, slots: Array.from({ length: r.count }, (_, k) => RET.float + 8 * k), spare: RET.int }; break;
    case 'memory': res = { kind: 'memory', offset: FRAME.x8 }; break;
  }
  return { args: lowered, result: res, stackBytes: p.stackBytes, callArg: 0, callAux: 0 };
}
