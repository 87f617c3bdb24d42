'use strict';
// Returns the exception thrown by fn, passing an assertion; fails the test when nothing is thrown.
module.exports = function caught(t, fn, msg) {
  try {
    fn();
  } catch (e) {
    t.pass(`${msg}: throws`);
    return e;
  }
  t.fail(`${msg}: should throw`);
  return new Error('(nothing thrown)');
};
