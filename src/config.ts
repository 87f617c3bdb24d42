// koffi.config(): validated at this boundary, applied natively.
import { native } from './native.js';
import { describe } from './types.js';
import { setMaxTypeSize } from './composite.js';

const MiB = 1024 * 1024;
const LIMITS: Record<string, { min: number; max: number }> = {
  sync_stack_size: { min: 16 * 1024, max: 16 * MiB },
  sync_heap_size: { min: 16 * 1024, max: 16 * MiB },
  async_stack_size: { min: 16 * 1024, max: 16 * MiB },
  async_heap_size: { min: 16 * 1024, max: 16 * MiB },
  resident_async_pools: { min: 0, max: 32 },
  max_async_calls: { min: 1, max: 4096 },
  max_type_size: { min: 1, max: 512 * MiB },
};

export function config(values?: unknown): Record<string, number> {
  if (values === undefined) return native.config();
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw new TypeError(`config(): expected an object of settings, received ${describe(values)}`);
  const unknown = Object.keys(values).filter((k) => !(k in LIMITS));
  if (unknown.length)
    throw new Error(`config(): unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; known: ${Object.keys(LIMITS).join(', ')}`);
  const checked: Record<string, number> = {};
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    const { min, max } = LIMITS[key];
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new TypeError(`config(): '${key}' must be an integer, received ${describe(value)}`);
    if (value < min || value > max)
      throw new RangeError(`config(): '${key}' must be between ${min} and ${max}, received ${value}`);
    checked[key] = value;
  }
  const current = native.config();
  const pools = checked.resident_async_pools ?? current.resident_async_pools;
  const calls = checked.max_async_calls ?? current.max_async_calls;
  if (calls < pools)
    throw new RangeError(`config(): 'max_async_calls' (${calls}) must be at least 'resident_async_pools' (${pools})`);
  const applied = native.config(checked);
  setMaxTypeSize(applied.max_type_size);
  return applied;
}
