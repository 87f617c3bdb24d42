// Turns a function signature into the interpreter's bytecode: a header and fixed-size
// instructions [opcode, dst, arg, aux]. Equal signatures give equal bytes.
import { Op, type OpName } from './gen/opcodes.js';
import { internalsOf, type TypeObject, type Primitive } from './types.js';
import { place, frameOffset, FRAME } from './abi/x64_sysv.js';

export const PLAN_MAGIC = 0x314c5043;

const ARG_OPS: Partial<Record<Primitive, OpName>> = {
  Bool: 'ARG_BOOL', Int8: 'ARG_I8', UInt8: 'ARG_U8', Int16: 'ARG_I16', UInt16: 'ARG_U16',
  Int32: 'ARG_I32', UInt32: 'ARG_U32', Int64: 'ARG_I64', UInt64: 'ARG_U64',
  Int16S: 'ARG_I16_SWAP', UInt16S: 'ARG_U16_SWAP', Int32S: 'ARG_I32_SWAP', UInt32S: 'ARG_U32_SWAP',
  Int64S: 'ARG_I64_SWAP', UInt64S: 'ARG_U64_SWAP', Float32: 'ARG_F32', Float64: 'ARG_F64',
  Pointer: 'ARG_PTR', String: 'ARG_STR', String16: 'ARG_STR16', String32: 'ARG_STR32',
};

const RET_OPS: Partial<Record<Primitive, OpName>> = {
  Void: 'RET_VOID', Bool: 'RET_BOOL', Int8: 'RET_I8', UInt8: 'RET_U8', Int16: 'RET_I16', UInt16: 'RET_U16',
  Int32: 'RET_I32', UInt32: 'RET_U32', Int64: 'RET_I64', UInt64: 'RET_U64',
  Int16S: 'RET_I16_SWAP', UInt16S: 'RET_U16_SWAP', Int32S: 'RET_I32_SWAP', UInt32S: 'RET_U32_SWAP',
  Int64S: 'RET_I64_SWAP', UInt64S: 'RET_U64_SWAP', Float32: 'RET_F32', Float64: 'RET_F64',
  Pointer: 'RET_PTR', String: 'RET_STR', String16: 'RET_STR16', String32: 'RET_STR32',
};

export interface PlanOptions {
  /** Variadic callees read %al; fixed-argument plans may skip the SSE registers. */
  variadic?: boolean;
}

export interface Plan {
  words: Uint32Array;
  /** Human-readable listing, for tests and debugging. */
  listing: string[];
}

/** Dispose kind operand: 0 none, 1 C free(). */
function disposeKind(t: TypeObject): number {
  if (!t.disposable) return 0;
  if (t.primitive === 'Pointer') throw new TypeError(`Disposable pointer results are not supported yet ('${t.name}')`);
  const d = internalsOf(t).dispose;
  if (d === 'free') return 1;
  throw new TypeError(`Disposable type '${t.name}' with a JavaScript dispose function is not supported as a result yet`);
}

function pointeeSize(t: TypeObject): number {
  const ref = t.ref;
  if (!ref || ref.primitive === 'Void') return 0;
  return ref.size;
}

export function compilePlan(args: readonly TypeObject[], result: TypeObject, options: PlanOptions = {}): Plan {
  const placement = place(args, result);
  const insts: Array<[OpName, number, number, number]> = [];
  args.forEach((t, i) => {
    const op = ARG_OPS[t.primitive];
    if (!op) throw new TypeError(`Type '${t.name}' cannot be passed as argument ${i + 1} yet`);
    insts.push([op, frameOffset(placement.args[i]), i, op === 'ARG_PTR' ? pointeeSize(t) : 0]);
  });
  const gprOnly = placement.sseUsed === 0 && !options.variadic;
  insts.push(['CALL', placement.stackBytes, placement.sseUsed, gprOnly ? 1 : 0]);
  const ret = RET_OPS[result.primitive];
  if (!ret) throw new TypeError(`Type '${result.name}' cannot be returned yet`);
  insts.push([ret, 0, 0, disposeKind(result)]);
  insts.push(['END', 0, 0, 0]);

  const frameBytes = FRAME.stack + placement.stackBytes;
  const words = new Uint32Array(4 + insts.length * 4);
  words[0] = PLAN_MAGIC;
  words[1] = args.length;
  words[2] = frameBytes;
  words[3] = insts.length;
  insts.forEach(([op, dst, arg, aux], i) => words.set([Op[op], dst, arg, aux], 4 + i * 4));
  const listing = insts.map(([op, dst, arg, aux]) => `${op} ${dst} ${arg} ${aux}`);
  return { words, listing };
}
