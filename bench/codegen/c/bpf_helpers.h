/* The little of libbpf's bpf_helpers.h that the benchmark programs need, so that only clang and
 * the kernel UAPI headers (Debian: linux-libc-dev) are required. Helper ids are the kernel's
 * (include/uapi/linux/bpf.h, see /work/shared/KERNEL.md); calling through a constant function
 * pointer makes clang emit "call <id>". */
#ifndef SM4J_BENCH_BPF_HELPERS_H
#define SM4J_BENCH_BPF_HELPERS_H

#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name
#undef __always_inline /* linux/stddef.h defines it as plain __inline__ */
#define __always_inline inline __attribute__((always_inline))

/* The getters of SkBuff/SkMsg return host-order values: be32 of the raw field (see LANGUAGE.md). */
#define bpf_ntohl(x) __builtin_bswap32(x)

static __u64 (*bpf_get_socket_cookie)(void *ctx) = (void *)46;
static long (*bpf_sk_redirect_map)(struct __sk_buff *skb, void *map, __u32 key,
                                   __u64 flags) = (void *)52;
static long (*bpf_msg_redirect_map)(struct sk_msg_md *msg, void *map, __u32 key,
                                    __u64 flags) = (void *)60;
static long (*bpf_msg_redirect_hash)(struct sk_msg_md *msg, void *map, void *key,
                                     __u64 flags) = (void *)71;
static long (*bpf_sk_redirect_hash)(struct __sk_buff *skb, void *map, void *key,
                                    __u64 flags) = (void *)72;

/* Java's int / and % by a positive constant, for clang 14, whose BPF backend refuses signed
 * division ("Unsupport signed division"): divide the magnitude unsigned, then restore the sign.
 * This is the sequence a C author has to write, and the one sockmap4j emits. */
static __always_inline int java_div(int x, unsigned int d) {
  return x < 0 ? -(int)((0u - (unsigned int)x) / d) : (int)((unsigned int)x / d);
}
static __always_inline int java_rem(int x, unsigned int d) {
  return x < 0 ? -(int)((0u - (unsigned int)x) % d) : (int)((unsigned int)x % d);
}

/* Same licence string as sockmap4j's objects (ObjectWriter.LICENSE). */
#define LICENSE char _license[] SEC("license") = "Dual MIT/GPL"

#endif
