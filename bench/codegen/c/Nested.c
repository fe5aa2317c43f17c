/* C twin of bench/codegen/java/io/sockmap4j/bench/Nested.java */
#include "bpf_helpers.h"

#define AF_INET 2
#define AF_INET6 10
#define FRONTEND 8080
#define BACKEND_BASE 9000
#define LOOPBACK_NET 0x7f000000
#define SMALL 512

struct {
  __uint(type, BPF_MAP_TYPE_SOCKMAP);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} slots SEC(".maps");

SEC("sk_skb/stream_verdict")
int verdict(struct __sk_buff *skb) {
  int family = skb->family;
  int len = skb->len;
  if (family == AF_INET || family == AF_INET6) {
    int local = skb->local_port;
    if (local == FRONTEND) {
      int loopback = family == AF_INET && (bpf_ntohl(skb->remote_ip4) & 0xff000000) == LOOPBACK_NET;
      if (loopback && len < SMALL)
        return bpf_sk_redirect_map(skb, &slots, 0, BPF_F_INGRESS);
      int slot = len >= SMALL ? 2 : 1;
      return bpf_sk_redirect_map(skb, &slots, slot, 0);
    } else if (local >= BACKEND_BASE && local < BACKEND_BASE + 8) {
      return bpf_sk_redirect_map(skb, &slots, local - BACKEND_BASE + 8, 0);
    }
    if (len == 0)
      return SK_PASS;
    return SK_DROP;
  }
  return SK_PASS;
}

LICENSE;
