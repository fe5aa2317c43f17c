/* C twin of bench/codegen/java/io/sockmap4j/bench/Selftest.java */
#include "bpf_helpers.h"

#define MAX_MSG 4096
#define SERVER_PORT 10000

struct {
  __uint(type, BPF_MAP_TYPE_SOCKMAP);
  __uint(max_entries, 20);
  __type(key, __u32);
  __type(value, __u64);
} sockMap SEC(".maps");

SEC("sk_skb/stream_parser")
int parse(struct __sk_buff *skb) {
  int len = skb->len;
  if (len > MAX_MSG)
    return MAX_MSG;
  return len;
}

SEC("sk_skb/stream_verdict")
int verdict(struct __sk_buff *skb) {
  int slot;
  if (skb->local_port == SERVER_PORT)
    slot = 10;
  else
    slot = 1;
  return bpf_sk_redirect_map(skb, &sockMap, slot, 0);
}

LICENSE;
