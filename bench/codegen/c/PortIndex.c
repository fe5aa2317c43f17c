/* C twin of bench/codegen/java/io/sockmap4j/bench/PortIndex.java */
#include "bpf_helpers.h"

struct {
  __uint(type, BPF_MAP_TYPE_SOCKMAP);
  __uint(max_entries, 8);
  __type(key, __u32);
  __type(value, __u64);
} workers SEC(".maps");

SEC("sk_skb/stream_verdict")
int verdict(struct __sk_buff *skb) {
  return bpf_sk_redirect_map(skb, &workers, (bpf_ntohl(skb->remote_port) ^ skb->local_port) & 7, 0);
}

LICENSE;
