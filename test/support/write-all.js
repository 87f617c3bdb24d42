// Writes all of `text` to `fd` synchronously. A child's stdout is a non-blocking pipe: when the
// parent drains it slower than the child writes (sanitizers, emulation), writes give EAGAIN and
// are tried again.
'use strict';
const fs = require('fs');

module.exports = function writeAll(fd, text) {
  let data = Buffer.from(text);
  while (data.length) {
    try {
      data = data.subarray(fs.writeSync(fd, data));
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
};
