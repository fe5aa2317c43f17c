/* C twin of bench/codegen/java/io/sockmap4j/bench/MsgPolicy.java */
#include "bpf_helpers.h"

#define BLOCKED_LOW 6000
#define BLOCKED_HIGH 6063
#define METRICS 9100

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 1024);
  __type(key, __u64);
  __type(value, __u64);
} senders SEC(".maps");

SEC("sk_msg")
int verdict(struct sk_msg_md *msg) {
  int port = bpf_ntohl(msg->remote_port);
  if (port >= BLOCKED_LOW && port <= BLOCKED_HIGH)
    return SK_DROP;
  if (port == METRICS && (int)msg->size > 1400)
    return SK_DROP;
  return SK_PASS;
}

LICENSE;
