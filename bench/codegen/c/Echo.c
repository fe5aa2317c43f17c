/* C twin of examples/src/main/java/io/sockmap4j/examples/echo/Echo.java */
#include "bpf_helpers.h"

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 1024);
  __type(key, __u64);
  __type(value, __u64);
} sockets SEC(".maps");

SEC("sk_skb/stream_parser")
int parse(struct __sk_buff *skb) {
  return skb->len;
}

SEC("sk_skb/stream_verdict")
int echo(struct __sk_buff *skb) {
  __u64 cookie = bpf_get_socket_cookie(skb);
  return bpf_sk_redirect_hash(skb, &sockets, &cookie, 0);
}

LICENSE;
