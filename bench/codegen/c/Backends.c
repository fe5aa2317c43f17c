/* C twin of bench/codegen/java/io/sockmap4j/bench/Backends.java. clang 14 cannot emit signed
 * division for BPF, so / and % go through java_div/java_rem (bpf_helpers.h). */
#include "bpf_helpers.h"

#define BACKENDS 5
#define GROUPS 3

struct {
  __uint(type, BPF_MAP_TYPE_SOCKMAP);
  __uint(max_entries, 15);
  __type(key, __u32);
  __type(value, __u64);
} pool SEC(".maps");

SEC("sk_skb/stream_verdict")
int verdict(struct __sk_buff *skb) {
  int port = (int)(bpf_ntohl(skb->remote_port) - skb->local_port);
  int backend = java_rem(java_rem(port, BACKENDS) + BACKENDS, BACKENDS);
  int group = java_rem(java_div((int)bpf_ntohl(skb->remote_ip4), 1000), GROUPS);
  if (group < 0)
    group = -group;
  return bpf_sk_redirect_map(skb, &pool, group * BACKENDS + backend, 0);
}

LICENSE;
