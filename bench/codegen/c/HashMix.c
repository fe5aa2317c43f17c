/* C twin of bench/codegen/java/io/sockmap4j/bench/HashMix.java. Java's int arithmetic wraps, so
 * the C uses unsigned int where it could overflow. */
#include "bpf_helpers.h"

struct mix_key {
  int hash;
  int bucket;
  short family;
};

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 8192);
  __type(key, struct mix_key);
  __type(value, __u64);
} routes SEC(".maps");

SEC("sk_skb/stream_verdict")
int verdict(struct __sk_buff *skb) {
  unsigned int ip = bpf_ntohl(skb->remote_ip4);
  unsigned int port = bpf_ntohl(skb->remote_port);
  unsigned int hash = ip * 31 + port;
  hash = hash ^ (hash >> 16);
  unsigned int bucket = (hash + skb->local_port * 7) & 1023;
  struct mix_key key = {0};  /* padding zeroed, as sockmap4j's record keys are */
  key.hash = hash;
  key.bucket = bucket;
  key.family = (short)skb->family;
  return bpf_sk_redirect_hash(skb, &routes, &key, 0);
}

LICENSE;
