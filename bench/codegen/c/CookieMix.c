/* C twin of bench/codegen/java/io/sockmap4j/bench/CookieMix.java. Java's long arithmetic wraps
 * and shifts of negative values are defined, so the C computes in __u64; the casts through int,
 * short and signed char give Java's narrowing and sign extension. */
#include "bpf_helpers.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 4096);
  __type(key, __u64);
  __type(value, __u64);
} shards SEC(".maps");

SEC("sk_skb/stream_verdict")
int verdict(struct __sk_buff *skb) {
  __u64 cookie = bpf_get_socket_cookie(skb);
  __u64 h = cookie * GOLDEN;
  int top = (int)(h >> 52);
  __u64 ports = ((__u64)(__s64)(int)skb->local_port << 16) |
                (__u64)(__s64)(int)bpf_ntohl(skb->remote_port);
  short low = (short)(h ^ ports);
  signed char tag = (signed char)(top + low);
  __u64 key = ((__u64)(__s64)top << 32) + ((__u64)(__s64)low << 8) + (__u64)(__s64)tag;
  return bpf_sk_redirect_hash(skb, &shards, &key, 0);
}

LICENSE;
