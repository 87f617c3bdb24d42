// The C++ dialect Node's common.gypi compiles addons with (node-gyp's choice: gnu++20 from
// Node 24, whose V8 headers require it; gnu++17 before). Shared by the builds that do not go
// through node-gyp: test-asan.mjs and test-cross.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function cxxDialect(nodeInclude) {
  let gypi = '';
  try {
    gypi = readFileSync(join(nodeInclude, 'common.gypi'), 'utf8');
  } catch {
    // Headers without common.gypi (a distribution's package): the older default.
  }
  return /'-std=(gnu\+\+\d+)'/.exec(gypi)?.[1] ?? 'gnu++17';
}
