/* C twin of bench/codegen/java/io/sockmap4j/bench/PortPolicy.java */
#include "bpf_helpers.h"

#define HTTP 80
#define HTTPS 443
#define ADMIN 8443
#define EPHEMERAL_LOW 32768

struct {
  __uint(type, BPF_MAP_TYPE_SOCKMAP);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u64);
} guarded SEC(".maps");

SEC("sk_skb/stream_verdict")
int filter(struct __sk_buff *skb) {
  int local = skb->local_port;
  int remote = bpf_ntohl(skb->remote_port);
  if (local == ADMIN) {
    if (remote < 1024)
      return SK_PASS;
    else
      return SK_DROP;
  } else if (local == HTTP || local == HTTPS) {
    return SK_PASS;
  } else if (remote >= EPHEMERAL_LOW) {
    return SK_DROP;
  } else if ((int)skb->len > 65536) {
    return SK_DROP;
  }
  return SK_PASS;
}

LICENSE;
