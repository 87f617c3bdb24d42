/* structs.c - libcpstructs.so: struct layouts, by-value structs under x86-64 SysV, pointers to
 * structs and arrays.  See structs.h for the conventions (hash_*, xform_*, layout_*). */
#include "structs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------- */
/* Layout                                                                    */
/* ------------------------------------------------------------------------- */

typedef struct {
  const char *name;
  size_t size, align;
  int n;
  size_t off[12];
} LayoutInfo;

#define O(T, m) offsetof(T, m)
#define LAYOUT(T, n, ...) { #T, sizeof(T), _Alignof(T), n, { __VA_ARGS__ } }

static const LayoutInfo layouts[] = {
  LAYOUT(L_CharInt, 2, O(L_CharInt, a), O(L_CharInt, b)),
  LAYOUT(L_Mix, 10, O(L_Mix, a), O(L_Mix, b), O(L_Mix, c), O(L_Mix, d), O(L_Mix, e), O(L_Mix, f),
         O(L_Mix, g), O(L_Mix, h), O(L_Mix, i), O(L_Mix, j)),
  LAYOUT(L_Nested, 5, O(L_Nested, a), O(L_Nested, b), O(L_Nested, c), O(L_Nested, d), O(L_Nested, e)),
  LAYOUT(L_Arrays, 6, O(L_Arrays, a), O(L_Arrays, b), O(L_Arrays, c), O(L_Arrays, d), O(L_Arrays, e),
         O(L_Arrays, f)),
  LAYOUT(L_Packed, 5, O(L_Packed, a), O(L_Packed, b), O(L_Packed, c), O(L_Packed, d), O(L_Packed, e)),
  LAYOUT(L_Aligned, 5, O(L_Aligned, a), O(L_Aligned, b), O(L_Aligned, c), O(L_Aligned, d), O(L_Aligned, e)),
  LAYOUT(L_Union, 4, O(L_Union, a), O(L_Union, b), O(L_Union, c), O(L_Union, d)),
  LAYOUT(L_TaggedUnion, 3, O(L_TaggedUnion, tag), O(L_TaggedUnion, u), O(L_TaggedUnion, z)),
  LAYOUT(L_EnumStruct, 3, O(L_EnumStruct, a), O(L_EnumStruct, e), O(L_EnumStruct, b)),
  LAYOUT(L_Enum64Struct, 3, O(L_Enum64Struct, a), O(L_Enum64Struct, e), O(L_Enum64Struct, b)),
  LAYOUT(L_Fixed, 7, O(L_Fixed, a), O(L_Fixed, b), O(L_Fixed, c), O(L_Fixed, d), O(L_Fixed, e),
         O(L_Fixed, f), O(L_Fixed, g)),
  LAYOUT(L_Ptr, 5, O(L_Ptr, a), O(L_Ptr, p), O(L_Ptr, b), O(L_Ptr, s), O(L_Ptr, c)),
  LAYOUT(L_PackedNested, 3, O(L_PackedNested, a), O(L_PackedNested, b), O(L_PackedNested, c)),
  LAYOUT(L_HasPacked, 4, O(L_HasPacked, a), O(L_HasPacked, p), O(L_HasPacked, b), O(L_HasPacked, c)),
  LAYOUT(L_Float, 6, O(L_Float, a), O(L_Float, b), O(L_Float, c), O(L_Float, d), O(L_Float, e), O(L_Float, f)),
  LAYOUT(L_UnionStructs, 3, O(L_UnionStructs, a), O(L_UnionStructs, b), O(L_UnionStructs, f)),
  LAYOUT(L_StructArray, 3, O(L_StructArray, a), O(L_StructArray, arr), O(L_StructArray, b)),
  LAYOUT(L_Matrix, 4, O(L_Matrix, a), O(L_Matrix, m), O(L_Matrix, b), O(L_Matrix, d)),
  LAYOUT(L_PackedAligned, 4, O(L_PackedAligned, a), O(L_PackedAligned, b), O(L_PackedAligned, c),
         O(L_PackedAligned, d)),
  LAYOUT(L_CharArr, 2, O(L_CharArr, a), O(L_CharArr, b)),
  LAYOUT(L_UnionAligned, 3, O(L_UnionAligned, a), O(L_UnionAligned, b), O(L_UnionAligned, c)),
  LAYOUT(L_HasUnion, 3, O(L_HasUnion, a), O(L_HasUnion, u), O(L_HasUnion, b)),
  LAYOUT(L_PackedAligned2, 3, O(L_PackedAligned2, a), O(L_PackedAligned2, b), O(L_PackedAligned2, c)),
  LAYOUT(L_Big, 3, O(L_Big, big), O(L_Big, c), O(L_Big, d)),
  LAYOUT(L_Chars, 6, O(L_Chars, a), O(L_Chars, b), O(L_Chars, c), O(L_Chars, d), O(L_Chars, e), O(L_Chars, f)),
  LAYOUT(L_Named, 7, O(L_Named, a), O(L_Named, b), O(L_Named, c), O(L_Named, d), O(L_Named, e),
         O(L_Named, f), O(L_Named, g)),
  LAYOUT(L_HasAligned, 3, O(L_HasAligned, a), O(L_HasAligned, x), O(L_HasAligned, b)),
  LAYOUT(L_PackedUnion, 3, O(L_PackedUnion, a), O(L_PackedUnion, b), O(L_PackedUnion, c)),
  LAYOUT(L_HasPackedUnion, 3, O(L_HasPackedUnion, a), O(L_HasPackedUnion, u), O(L_HasPackedUnion, b)),
  LAYOUT(L_Aligned16Double, 2, O(L_Aligned16Double, a), O(L_Aligned16Double, b)),
};

#define LAYOUT_COUNT ((int)(sizeof(layouts) / sizeof(layouts[0])))

int layout_count(void) { return LAYOUT_COUNT; }

const char *layout_name(int which) {
  return which >= 0 && which < LAYOUT_COUNT ? layouts[which].name : NULL;
}

int layout_members(int which) {
  return which >= 0 && which < LAYOUT_COUNT ? layouts[which].n : 0;
}

size_t layout_size(int which) {
  return which >= 0 && which < LAYOUT_COUNT ? layouts[which].size : (size_t)-1;
}

size_t layout_align(int which) {
  return which >= 0 && which < LAYOUT_COUNT ? layouts[which].align : (size_t)-1;
}

size_t layout_offset(int which, int member) {
  if (which < 0 || which >= LAYOUT_COUNT || member < 0 || member >= layouts[which].n) return (size_t)-1;
  return layouts[which].off[member];
}

/* ------------------------------------------------------------------------- */
/* Hashing and transforms                                                    */
/* ------------------------------------------------------------------------- */

#define FNV_INIT 0x811c9dc5u

static uint32_t fnv(uint32_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x01000193u;
  return h;
}

/* Hash one scalar (copied first: it may be a packed, misaligned member). */
#define HV(x) do { __typeof__(x) t_ = (x); h = fnv(h, &t_, sizeof t_); } while (0)
#define HA(arr, n) do { for (size_t i_ = 0; i_ < (size_t)(n); i_++) HV((arr)[i_]); } while (0)
#define XI(m, k) (v.m = (__typeof__(v.m))(v.m + (k)))
#define XF(m, k) (v.m = (__typeof__(v.m))(v.m * 2 + (k)))

#define BYVAL(T, HASH, XFORM) \
  uint32_t hash_##T(T v) { uint32_t h = FNV_INIT; HASH; return h; } \
  T xform_##T(T v) { XFORM; return v; }

BYVAL(S_I, HV(v.a), XI(a, 1))
BYVAL(S_C3, HV(v.a); HV(v.b); HV(v.c), XI(a, 1); XI(b, 2); XI(c, 3))
BYVAL(S_II, HV(v.a); HV(v.b), XI(a, 1); XI(b, 2))
BYVAL(S_F, HV(v.a), XF(a, 1))
BYVAL(S_FF, HV(v.a); HV(v.b), XF(a, 1); XF(b, 2))
BYVAL(S_FFF, HV(v.a); HV(v.b); HV(v.c), XF(a, 1); XF(b, 2); XF(c, 3))
BYVAL(S_FFFF, HV(v.a); HV(v.b); HV(v.c); HV(v.d), XF(a, 1); XF(b, 2); XF(c, 3); XF(d, 4))
BYVAL(S_D, HV(v.a), XF(a, 1))
BYVAL(S_IF, HV(v.a); HV(v.b), XI(a, 1); XF(b, 2))
BYVAL(S_FI, HV(v.a); HV(v.b), XF(a, 1); XI(b, 2))
BYVAL(S_SFC, HV(v.a); HV(v.b); HV(v.c), XI(a, 1); XF(b, 2); XI(c, 3))
BYVAL(S_LL, HV(v.a); HV(v.b), XI(a, 1); XI(b, 2))
BYVAL(S_LD, HV(v.a); HV(v.b), XI(a, 1); XF(b, 2))
BYVAL(S_DL, HV(v.a); HV(v.b), XF(a, 1); XI(b, 2))
BYVAL(S_DD, HV(v.a); HV(v.b), XF(a, 1); XF(b, 2))
BYVAL(S_MixII, HV(v.a); HV(v.b); HV(v.c); HV(v.d); HV(v.e), XI(a, 1); XI(b, 2); XF(c, 3); XF(d, 4); XI(e, 5))
BYVAL(S_FFIF, HV(v.a); HV(v.b); HV(v.c); HV(v.d), XF(a, 1); XF(b, 2); XI(c, 3); XF(d, 4))
BYVAL(S_HBFD, HV(v.a); HV(v.b); HV(v.c); HV(v.d), XI(a, 1); XI(b, 2); XF(c, 3); XF(d, 4))
BYVAL(S_Nest1, HV(v.inner.a); HV(v.inner.b); HV(v.c), XF(inner.a, 1); XF(inner.b, 2); XF(c, 3))
BYVAL(S_Nest2, HV(v.p.x); HV(v.q.a); HV(v.d), XI(p.x, 1); XF(q.a, 2); XF(d, 3))
BYVAL(S_Arr3F, HA(v.v, 3), XF(v[0], 1); XF(v[1], 2); XF(v[2], 3))
BYVAL(S_Arr2ID, HA(v.a, 2); HV(v.d), XI(a[0], 1); XI(a[1], 2); XF(d, 3))
BYVAL(S_ArrMix, HV(v.tag); HA(v.s, 3); HV(v.f), XI(tag, 1); XI(s[0], 2); XI(s[1], 3); XI(s[2], 4); XF(f, 5))
BYVAL(S_ArrS, HV(v.pairs[0].a); HV(v.pairs[0].b); HV(v.pairs[1].a); HV(v.pairs[1].b),
      XI(pairs[0].a, 1); XI(pairs[0].b, 2); XI(pairs[1].a, 3); XI(pairs[1].b, 4))
BYVAL(S_TagU, HV(v.tag); HV(v.u.i), XI(tag, 1); XI(u.i, 2))
BYVAL(S_L3, HV(v.a); HV(v.b); HV(v.c), XI(a, 1); XI(b, 2); XI(c, 3))
BYVAL(S_D3, HV(v.a); HV(v.b); HV(v.c), XF(a, 1); XF(b, 2); XF(c, 3))
BYVAL(S_F5, HA(v.a, 5), XF(a[0], 1); XF(a[1], 2); XF(a[2], 3); XF(a[3], 4); XF(a[4], 5))
BYVAL(P_CI, HV(v.a); HV(v.b), XI(a, 1); XI(b, 2))
BYVAL(P_FCF, HV(v.a); HV(v.b); HV(v.c), XF(a, 1); XI(b, 2); XF(c, 3))
BYVAL(P_II, HV(v.a); HV(v.b), XI(a, 1); XI(b, 2))
BYVAL(P_BBSF, HV(v.a); HV(v.b); HV(v.c); HV(v.d), XI(a, 1); XI(b, 2); XI(c, 3); XF(d, 4))
BYVAL(P_DS, HV(v.a); HV(v.b), XF(a, 1); XI(b, 2))
BYVAL(A16, HV(v.a); HV(v.b), XI(a, 1); XI(b, 2))
BYVAL(AF16, HV(v.a), XF(a, 1))
BYVAL(A32, HA(v.a, 3); HV(v.x); HV(v.y), XI(a[0], 1); XI(a[1], 2); XI(a[2], 3); XF(x, 4); XF(y, 5))

#define HASH_BYTES(T) uint32_t hash_##T(T v) { return fnv(FNV_INIT, &v, sizeof v); }
HASH_BYTES(U_FI)
HASH_BYTES(U_FD)
HASH_BYTES(U_DL)
HASH_BYTES(U_SS)
HASH_BYTES(U_BF)

U_FI xform_U_FI(U_FI v) { v.i += 1; return v; }
U_FD xform_U_FD(U_FD v) { v.d = v.d * 2 + 1; return v; }
U_DL xform_U_DL(U_DL v) { v.i += 1; return v; }
U_SS xform_U_SS(U_SS v) { v.d[0] *= 2; v.d[1] += 1; return v; }
U_BF xform_U_BF(U_BF v) {
  for (int k = 0; k < 12; k++) v.b[k] = (uint8_t)(v.b[k] + k + 1);
  return v;
}
U_FI make_U_FI_f(float f) { U_FI v; v.f = f; return v; }
U_DL make_U_DL_d(double d) { U_DL v; v.d = d; return v; }

uint32_t hash_S_Huge(S_Huge v) { return fnv(FNV_INIT, v.data, sizeof v.data); }

S_Huge make_S_Huge(uint32_t seed) {
  S_Huge v;
  for (size_t i = 0; i < HUGE_SIZE; i++) v.data[i] = (uint8_t)(seed + i * 7);
  return v;
}

S_Huge xform_S_Huge(S_Huge v) {
  for (size_t i = 0; i < HUGE_SIZE; i++) v.data[i] = (uint8_t)(v.data[i] + 1);
  return v;
}

uint32_t hash_S_Huge_args(int32_t a, S_Huge v, double d, int32_t b) {
  uint32_t h = FNV_INIT;
  HV(a);
  h = fnv(h, v.data, sizeof v.data);
  HV(d);
  HV(b);
  return h;
}

uint32_t hash_NamedValue(NamedValue v) {
  uint32_t h = FNV_INIT;
  if (v.name) h = fnv(h, v.name, strlen(v.name));
  HV(v.value);
  return h;
}

NamedValue make_NamedValue(const char *name, int32_t value) {
  NamedValue v = { name, value };
  return v;
}

uint32_t hash_Label(Label v) {
  uint32_t h = FNV_INIT;
  h = fnv(h, v.name, sizeof v.name);
  HV(v.n);
  return h;
}

Label make_Label(const char *s, int32_t count) {
  Label v;
  memset(&v, 0, sizeof v);
  if (s) {
    size_t n = strlen(s);
    memcpy(v.name, s, n < sizeof v.name ? n : sizeof v.name);
  }
  v.n = count;
  return v;
}

/* ------------------------------------------------------------------------- */
/* Register exhaustion                                                       */
/* ------------------------------------------------------------------------- */

#define H_LL(s) do { HV((s).a); HV((s).b); } while (0)

uint32_t spill_ints_pair(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, S_LL s, int32_t f) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b); HV(c); HV(d); HV(e); H_LL(s); HV(f);
  return h;
}

uint32_t fit_ints_pair(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, S_II s, int32_t f) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b); HV(c); HV(d); HV(e); H_LL(s); HV(f);
  return h;
}

uint32_t spill_dbls_pair(double a, double b, double c, double d, double e, double f, double g, S_DD s, double hh) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b); HV(c); HV(d); HV(e); HV(f); HV(g); H_LL(s); HV(hh);
  return h;
}

uint32_t fit_dbls_ff(double a, double b, double c, double d, double e, double f, double g, S_FF s, double hh) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b); HV(c); HV(d); HV(e); HV(f); HV(g); H_LL(s); HV(hh);
  return h;
}

uint32_t spill_int_mixed(int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5, int64_t a6, S_LD s, double d, int32_t g) {
  uint32_t h = FNV_INIT;
  HV(a1); HV(a2); HV(a3); HV(a4); HV(a5); HV(a6); H_LL(s); HV(d); HV(g);
  return h;
}

uint32_t spill_sse_mixed(double d1, double d2, double d3, double d4, double d5, double d6, double d7, double d8, S_DL s, int32_t i) {
  uint32_t h = FNV_INIT;
  HV(d1); HV(d2); HV(d3); HV(d4); HV(d5); HV(d6); HV(d7); HV(d8); H_LL(s); HV(i);
  return h;
}

uint32_t many_structs(S_DD a, S_DD b, S_DD c, S_DD d, S_DD e, S_LL f, S_LL g, S_LL hh,
                      S_LL i, S_LD j, S_FFF k, int32_t x, double y, S_IF z) {
  uint32_t h = FNV_INIT;
  H_LL(a); H_LL(b); H_LL(c); H_LL(d); H_LL(e); H_LL(f); H_LL(g); H_LL(hh); H_LL(i); H_LL(j);
  HV(k.a); HV(k.b); HV(k.c); HV(x); HV(y); H_LL(z);
  return h;
}

uint32_t mem_mixed(int32_t a, S_L3 b, double c, P_CI d, S_D3 e, int32_t f, S_F5 g, float hh) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b.a); HV(b.b); HV(b.c); HV(c); HV(d.a); HV(d.b); HV(e.a); HV(e.b); HV(e.c); HV(f);
  HA(g.a, 5); HV(hh);
  return h;
}

S_L3 ret_mem_args(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b); HV(c); HV(d); HV(e); HV(f);
  S_L3 r = { a + b + c, d + e + f, (int64_t)h };
  return r;
}

S_DD ret_dd_many(double a, double b, double c, double d, double e, double f, double g,
                 double hh, double i, double j) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b); HV(c); HV(d); HV(e); HV(f); HV(g); HV(hh); HV(i); HV(j);
  S_DD r = { a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * hh + 9 * i + 10 * j, (double)h };
  return r;
}

uint32_t a16_args(A16 s, int32_t x, int32_t y, int32_t z, int32_t w, int32_t u) {
  uint32_t h = FNV_INIT;
  HV(s.a); HV(s.b); HV(x); HV(y); HV(z); HV(w); HV(u);
  return h;
}

uint32_t a16_then_double(A16 s, double d, float f) {
  uint32_t h = FNV_INIT;
  HV(s.a); HV(s.b); HV(d); HV(f);
  return h;
}

uint32_t af16_args(AF16 s, double d, int32_t x, AF16 t, float f) {
  uint32_t h = FNV_INIT;
  HV(s.a); HV(d); HV(x); HV(t.a); HV(f);
  return h;
}

uint32_t a16_stack(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f,
                   int32_t g, A16 s, int32_t hh) {
  uint32_t h = FNV_INIT;
  HV(a); HV(b); HV(c); HV(d); HV(e); HV(f); HV(g); HV(s.a); HV(s.b); HV(hh);
  return h;
}

uint32_t a32_args(S_L3 first, A32 s, int32_t z) {
  uint32_t h = FNV_INIT;
  HV(first.a); HV(first.b); HV(first.c); HA(s.a, 3); HV(s.x); HV(s.y); HV(z);
  return h;
}

/* ------------------------------------------------------------------------- */
/* Pointers                                                                  */
/* ------------------------------------------------------------------------- */

static uint32_t outer_hash_impl(const Outer *p) {
  uint32_t h = FNV_INIT;
  HV(p->id); HV(p->inner.x); HV(p->inner.y); HV(p->z); HA(p->tags, 4);
  return h;
}

uint32_t outer_hash(const Outer *p) { return p ? outer_hash_impl(p) : 0; }
uint32_t outer_hash_val(Outer v) { return outer_hash_impl(&v); }

int32_t outer_fill(Outer *out, int32_t seed) {
  if (!out) return 0;
  out->id = seed;
  out->inner.x = seed * 2;
  out->inner.y = (float)seed + 0.5f;
  out->z = seed * 0.25;
  for (int k = 0; k < 4; k++) out->tags[k] = (uint8_t)(seed + k);
  return 1;
}

int32_t outer_bump(Outer *p) {
  if (!p) return 0;
  p->id += 1;
  p->inner.x *= 2;
  p->inner.y += 0.5f;
  p->z = -p->z;
  for (int k = 0; k < 4; k++) p->tags[k] = (uint8_t)(p->tags[k] + 1);
  return 1;
}

void outer_fill_n(Outer *out, int32_t n, int32_t seed) {
  for (int32_t k = 0; k < n; k++) outer_fill(&out[k], seed + k);
}

int32_t points_sum(const Point *pts, int32_t n) {
  int32_t s = 0;
  for (int32_t i = 0; i < n; i++) s += pts[i].x + pts[i].y * 1000;
  return s;
}

void points_translate(Point *pts, int32_t n, int32_t dx, int32_t dy) {
  for (int32_t i = 0; i < n; i++) {
    pts[i].x += dx;
    pts[i].y += dy;
  }
}

void ints_scale(int32_t *arr, int32_t n, int32_t k) {
  for (int32_t i = 0; i < n; i++) arr[i] *= k;
}

double dbls_sum(const double *arr, int32_t n) {
  double s = 0;
  for (int32_t i = 0; i < n; i++) s += (i + 1) * arr[i];
  return s;
}

void dbls_fill(double *arr, int32_t n, double start) {
  for (int32_t i = 0; i < n; i++) arr[i] = start + i;
}

void point_get(Point *out, int32_t x, int32_t y) {
  if (!out) return;
  out->x = x;
  out->y = y;
}

static const Point static_point = { 31, -41 };
const Point *point_static(void) { return &static_point; }

struct Handle {
  int32_t id;
  uint32_t magic;
};

static int32_t live_handles;

int32_t handle_open(int32_t id, Handle **out) {
  if (!out) return -1;
  Handle *h = malloc(sizeof *h);
  if (!h) return -2;
  h->id = id;
  h->magic = 0x48414e44u;
  live_handles++;
  *out = h;
  return 0;
}

int32_t handle_id(const Handle *h) {
  if (!h) return -1;
  if (h->magic != 0x48414e44u) return -2;
  return h->id;
}

void handle_close(Handle *h) {
  if (!h) return;
  h->magic = 0;
  free(h);
  live_handles--;
}

int32_t handle_live(void) { return live_handles; }

int32_t handle_open_null(Handle **out) {
  if (out) *out = NULL;
  return 7;
}

int32_t strs_describe(const char *const *arr, int32_t n, char *out, size_t outlen) {
  int32_t count = 0;
  size_t pos = 0;
  if (outlen == 0) return -1;
  out[0] = 0;
  for (int32_t i = 0; i < n; i++) {
    const char *s = arr[i] ? arr[i] : "(null)";
    if (arr[i]) count++;
    int w = snprintf(out + pos, outlen - pos, "%s%s", i ? "|" : "", s);
    if (w < 0) return -1;
    pos += (size_t)w;
    if (pos >= outlen) {
      pos = outlen - 1;
      break;
    }
  }
  return count;
}

int32_t strs_count(const char *const *arr) {
  int32_t n = 0;
  if (!arr) return -1;
  while (arr[n]) n++;
  return n;
}

static const char *const produced[] = { "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7" };

void strs_produce(const char **out, int32_t n) {
  for (int32_t i = 0; i < n && i < 8; i++) out[i] = (i % 2) ? NULL : produced[i];
}

int32_t named_describe(const NamedValue *p, char *out, size_t outlen) {
  if (!p) return -1;
  return snprintf(out, outlen, "%s=%d", p->name ? p->name : "(null)", (int)p->value);
}
