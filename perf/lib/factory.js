'use strict';
// Compiles a case's impl factory again from its source text, once per
// contender. callplan and koffi share one impl function; used as-is, the
// run() closures it creates for the two would share one feedback vector (V8
// shares it between closures of the same function literal). The contender
// warmed up first would then be optimised with a monomorphic call and the
// second with a polymorphic one: koffi measured up to 1.8x slower next to
// callplan than on its own. A fresh copy per contender gives each its own
// feedback. The unique sourceURL also keeps V8 from reusing a cached
// compilation of the same text. Consequence: impl factories must be
// self-contained (only their parameters and globals such as Buffer).
//
// Used by bench.js (in-process cases) and lib/child.js (cases measured in
// child processes, where it changes nothing but keeps one code path).

function instantiateFactory(fn, tag) {
  const src = Function.prototype.toString.call(fn);
  const safeTag = String(tag).replace(/[^\w./-]/g, '_');
  try {
    return new Function(`'use strict';\nreturn (${src});\n//# sourceURL=bench-case:${safeTag}\n`)();
  } catch (e) {
    throw new Error(`impl for ${tag} cannot be recompiled from source (write it as an arrow or function expression): ${e.message}`);
  }
}

function firstLine(err) {
  const msg = err && err.message ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 300);
}

module.exports = { instantiateFactory, firstLine };
