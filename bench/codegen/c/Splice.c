/* C twin of examples/src/main/java/io/sockmap4j/examples/proxy/Splice.java */
#include "bpf_helpers.h"

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 65536);
  __type(key, __u64);
  __type(value, __u64);
} spliced SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 65536);
  __type(key, __u64);
  __type(value, __u64);
} peers SEC(".maps");

SEC("sk_skb/stream_verdict")
int forward(struct __sk_buff *skb) {
  if (skb->len == 0)
    return SK_PASS;
  __u64 cookie = bpf_get_socket_cookie(skb);
  return bpf_sk_redirect_hash(skb, &peers, &cookie, 0);
}

LICENSE;
