// Turns a function signature into the interpreter's bytecode: a header and fixed-size
// instructions [opcode, dst, arg, aux]. Equal signatures give equal bytes.
import { Op, OP_NAMES, type OpName } from './gen/opcodes.js';
import { internalsOf, type TypeObject, type Primitive } from './types.js';
import type { Convention, Direction } from './parser.js';
import { abi, isAggregate, packSlots } from './abi/index.js';
import { describeType } from './describe.js';
import { callbackProtoId } from './callback.js';
import { native } from './native.js';

export const PLAN_MAGIC = 0x314c5043;

const ARG_OPS: Partial<Record<Primitive, OpName>> = {
  Bool: 'ARG_BOOL', Int8: 'ARG_I8', UInt8: 'ARG_U8', Int16: 'ARG_I16', UInt16: 'ARG_U16',
  Int32: 'ARG_I32', UInt32: 'ARG_U32', Int64: 'ARG_I64', UInt64: 'ARG_U64',
  Int16S: 'ARG_I16_SWAP', UInt16S: 'ARG_U16_SWAP', Int32S: 'ARG_I32_SWAP', UInt32S: 'ARG_U32_SWAP',
  Int64S: 'ARG_I64_SWAP', UInt64S: 'ARG_U64_SWAP', Float32: 'ARG_F32', Float64: 'ARG_F64',
  Pointer: 'ARG_PTR', String: 'ARG_STR', String16: 'ARG_STR16', String32: 'ARG_STR32',
  Callback: 'ARG_CALLBACK',
};

const RET_OPS: Partial<Record<Primitive, OpName>> = {
  Void: 'RET_VOID', Bool: 'RET_BOOL', Int8: 'RET_I8', UInt8: 'RET_U8', Int16: 'RET_I16', UInt16: 'RET_U16',
  Int32: 'RET_I32', UInt32: 'RET_U32', Int64: 'RET_I64', UInt64: 'RET_U64',
  Int16S: 'RET_I16_SWAP', UInt16S: 'RET_U16_SWAP', Int32S: 'RET_I32_SWAP', UInt32S: 'RET_U32_SWAP',
  Int64S: 'RET_I64_SWAP', UInt64S: 'RET_U64_SWAP', Float32: 'RET_F32', Float64: 'RET_F64',
  Pointer: 'RET_PTR', String: 'RET_STR', String16: 'RET_STR16', String32: 'RET_STR32',
  Callback: 'RET_PTR',
};


export interface PlanOptions {
  /** Variadic callees (x86-64: they read %al, so the SSE registers are always loaded). */
  variadic?: boolean;
  /** Per argument: output and in/out pointers are copied back after the call. */
  directions?: readonly Direction[];
  /** The calling convention (i386; ignored elsewhere). Default cdecl. */
  convention?: Convention;
}

export interface Plan {
  words: Uint32Array;
  /** Human-readable listing, for tests and debugging (built on first access). */
  readonly listing: string[];
}

/** Dispose kind operand: 0 none, 1 C free(). */
function disposeKind(t: TypeObject): number {
  if (!t.disposable) return 0;
  if (t.primitive === 'Pointer') throw new TypeError(`Disposable pointer results are not supported yet ('${t.name}')`);
  const d = internalsOf(t).dispose;
  if (d === 'free') return 1;
  throw new TypeError(`Disposable type '${t.name}' with a JavaScript dispose function is not supported as a result yet`);
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

export function compilePlan(args: readonly TypeObject[], result: TypeObject, options: PlanOptions = {}): Plan {
  const count = emitPlan(args, result, options); // before reading planWords: it may grow
  return new CompiledPlan(planWords.slice(0, count));
}

// emitPlan() writes here; definePlan() and compilePlan() copy what it wrote, so one buffer
// serves every plan. (Nothing emitPlan calls compiles another plan.)
let planWords = new Uint32Array(256);
let planUsed = 0;

function put(op: number, dst: number, arg: number, aux: number): void {
  if (planUsed + 4 > planWords.length) {
    const bigger = new Uint32Array(planWords.length * 2);
    bigger.set(planWords);
    planWords = bigger;
  }
  planWords[planUsed] = op;
  planWords[planUsed + 1] = dst;
  planWords[planUsed + 2] = arg;
  planWords[planUsed + 3] = aux;
  planUsed += 4;
}

// Writes the plan's words to planWords (a header, then four per instruction); returns their count.
function emitPlan(args: readonly TypeObject[], result: TypeObject, options: PlanOptions): number {
  const lowering = abi.lower(args, result, !!options.variadic, options.convention);
  planUsed = 0;
  put(PLAN_MAGIC, args.length, 0, 0); // frame bytes and instruction count are set at the end
  // Aggregates split into register pieces or passed by reference are marshalled into scratch
  // space after the stack block, then moved piece by piece or passed by address.
  let scratch = alignUp(abi.FRAME.stack + lowering.stackBytes + (abi.frameSlack ?? 0), 16);
  let post: number[] | null = null;

  const r = lowering.result;
  if (r.kind === 'memory') put(Op.ARG_SRET, r.offset, 0, describeType(result));

  for (let i = 0; i < args.length; i++) {
    const t = args[i];
    const loc = lowering.args[i];
    if (isAggregate(t)) {
      const id = describeType(t);
      if (loc.kind === 'slot') {
        put(Op.ARG_AGG, loc.offset, i, id);
        continue;
      }
      const copy = scratch;
      scratch += alignUp(Math.max(t.size, 16), 16);
      put(Op.ARG_AGG, copy, i, id);
      if (loc.kind === 'ref') {
        put(Op.ADDR, loc.offset, copy, 0);
      } else {
        for (let k = 0; k < loc.slots.length; k++) {
          const slot = loc.slots[k];
          if (slot !== null) put(Op.MOVE, slot, copy + loc.piece * k, loc.piece);
        }
      }
      continue;
    }
    if (loc.kind !== 'slot') throw new Error('internal: scalar placed as an aggregate');
    const op = ARG_OPS[t.primitive];
    if (!op) throw new TypeError(`Type '${t.name}' cannot be passed as argument ${i + 1}`);
    const dst = loc.offset;
    if (op === 'ARG_PTR') {
      const id = describeType(t);
      const dir = options.directions?.[i] ?? 'in';
      // Output-only pointers get zeroed memory: what the JS value held is not read.
      put(dir === 'out' ? Op.ARG_OUT : Op.ARG_PTR, dst, i, id);
      if (dir !== 'in') (post ??= []).push(Op.POST_OUT, dst, i, id);
    } else if (op === 'ARG_CALLBACK') {
      put(Op.ARG_CALLBACK, dst, i, callbackProtoId(t));
    } else {
      put(Op[op], dst, i, 0);
    }
  }

  put(Op.CALL, lowering.stackBytes, lowering.callArg, lowering.callAux);
  if (r.kind === 'memory') {
    put(Op.RET_AGG_MEM, r.offset, 0, describeType(result));
  } else if (r.kind === 'pieces') {
    put(Op.RET_AGG, packSlots(r.slots, r.spare), r.piece, describeType(result));
  } else {
    const ret = RET_OPS[result.primitive];
    if (!ret) throw new TypeError(`Type '${result.name}' cannot be returned`);
    put(Op[ret], 0, 0, disposeKind(result));
  }
  if (post) for (let k = 0; k < post.length; k += 4) put(post[k], post[k + 1], post[k + 2], post[k + 3]);
  put(Op.END, 0, 0, 0);

  planWords[2] = scratch; // frame bytes
  planWords[3] = (planUsed - 4) / 4;
  return planUsed;
}

class CompiledPlan implements Plan {
  readonly words: Uint32Array;
  constructor(words: Uint32Array) {
    this.words = words;
  }
  get listing(): string[] {
    const out: string[] = [];
    for (let k = 4; k < this.words.length; k += 4) {
      const w = this.words;
      out.push(`${OP_NAMES[w[k]]} ${w[k + 1]} ${w[k + 2]} ${w[k + 3]}`);
    }
    return out;
  }
}

// Plans depend only on the signature, so declarations of the same signature share one: the
// addon decodes it once (native.definePlan) and each declared function copies it.
const typeIds = new WeakMap<object, number>();
let nextTypeId = 0;
const planIds = new Map<string, number>();
const PLAN_CACHE_LIMIT = 4096;

/** A small number per type object, for cache keys (plans here, variadic type lists in library.ts). */
export function typeKey(t: object): number {
  let id = typeIds.get(t);
  if (id === undefined) typeIds.set(t, (id = nextTypeId++));
  return id;
}

/** The native.install() plan id of a signature, compiled and defined on first use. */
export function definePlanCached(args: readonly TypeObject[], result: TypeObject, directions: readonly Direction[],
                                 convention: Convention = 'cdecl', variadic = false): number {
  let key = (variadic ? 'v' : '') + (convention === 'cdecl' ? '' : convention + ':') + String(typeKey(result));
  // Variadic extras have no direction: they are inputs, as compilePlan takes them.
  for (let i = 0; i < args.length; i++) {
    const d = directions[i];
    key += (d === 'out' ? ',>' : d === 'inout' ? ',<>' : ',') + typeKey(args[i]);
  }
  let id = planIds.get(key);
  if (id === undefined) {
    const count = emitPlan(args, result, { directions, convention, variadic });
    let argTypes = args.length ? args[0].name : '';
    for (let i = 1; i < args.length; i++) argTypes += '\n' + args[i].name;
    if (planIds.size >= PLAN_CACHE_LIMIT) {
      native.dropPlans(Uint32Array.from(planIds.values()));
      planIds.clear();
    }
    id = native.definePlan(planWords, count, argTypes);
    planIds.set(key, id);
  }
  return id;
}
