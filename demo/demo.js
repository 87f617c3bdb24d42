// npm run demo: callplan calling real libc and libm functions, printing what it did.
'use strict';
const koffi = require('..');

const libc = koffi.load(null);                 // the running process: libc is already there
const libm = koffi.load('libm.so.6');

const show = (what, value) => console.log(`  ${what.padEnd(52)} -> ${typeof value === 'bigint' ? `0x${value.toString(16)}` : JSON.stringify(value)}`);

console.log(`callplan ${koffi.version} on Node ${process.version} (${process.arch})\n`);

console.log('libm, floating point through SSE registers:');
const sqrt = libm.func('double sqrt(double)');
const hypot = libm.func('double hypot(double x, double y)');
const cbrtf = libm.func('float cbrtf(float)');
const ldexp = libm.func('double ldexp(double x, int exp)');
show('sqrt(2)', sqrt(2));
show('hypot(3, 4)', hypot(3, 4));
show('cbrtf(27)', cbrtf(27));
show('ldexp(0.75, 4)  (a double and an int)', ldexp(0.75, 4));

console.log('\nlibc, integers and strings:');
const atoi = libc.func('int atoi(const char *str)');
const strlen = libc.func('size_t strlen(const char *s)');
const labs = libc.func('long labs(long)');
const toupper = libc.func('int toupper(int c)');
show("atoi('1257')", atoi('1257'));
show("strlen('héllo wörld 😀')  (UTF-8 bytes)", strlen('héllo wörld 😀'));
show('labs(-(2 ** 40))', labs(-(2 ** 40)));
show("toupper('q'.charCodeAt(0))", String.fromCharCode(toupper('q'.charCodeAt(0))));

console.log('\nVariadic calls, (type, value) pairs:');
const snprintf = libc.func('int snprintf(char *buf, size_t size, const char *fmt, ...)');
const buf = Buffer.alloc(128);
const n = snprintf(buf, buf.length, '%s has %d legs and weighs %.1f g', 'str', 'a spider', 'int', 8, 'double', 2.1);
show('snprintf(buf, 128, "%s has %d legs ...", ...)', buf.subarray(0, n).toString());

console.log('\nPointers are BigInt, NULL is null:');
const getenv = libc.func('const char *getenv(const char *name)');
const malloc = libc.func('void *malloc(size_t size)');
const free = libc.func('void free(void *ptr)');
const memset = libc.func('void *memset(void *s, int c, size_t n)');
show("getenv('CALLPLAN_SURELY_UNSET')", getenv('CALLPLAN_SURELY_UNSET'));
const p = malloc(64);
show('malloc(64)', p);
show('memset(p, 0x2a, 64) returns p', memset(p, 0x2a, 64) === p);
free(p);
const b = Buffer.alloc(8);
memset(b, 0x41, 8);
show('memset(Buffer(8), 0x41, 8)', b.toString());

console.log('\nHeap strings freed after conversion (the ! suffix):');
const strdup = libc.func('str! strdup(const char *s)');
show("strdup('copied, then freed')", strdup('copied, then freed'));
show('koffi.stats().disposed', koffi.stats().disposed);

console.log('\nerrno, captured right after the call:');
const close = libc.func('int close(int fd)');
const strerror = libc.func('const char *strerror(int errnum)');
show('close(-1)', close(-1));
show('koffi.errno() === koffi.os.errno.EBADF', koffi.errno() === koffi.os.errno.EBADF);
show('strerror(koffi.errno())', strerror(koffi.errno()));

console.log('\nWrong arguments are exceptions, not crashes:');
try {
  atoi(12);
} catch (err) {
  show(`atoi(12) throws ${err.constructor.name}`, err.message);
}
