/* C twin of bench/codegen/java/io/sockmap4j/bench/MsgBalance.java */
#include "bpf_helpers.h"

#define RECEIVERS 16
#define LARGE 16384

struct {
  __uint(type, BPF_MAP_TYPE_SOCKMAP);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} receivers SEC(".maps");

SEC("sk_msg")
int verdict(struct sk_msg_md *msg) {
  if ((int)msg->size >= LARGE)
    return SK_PASS;
  int slot = java_rem((int)(bpf_ntohl(msg->remote_ip4) + bpf_ntohl(msg->remote_port)), RECEIVERS);
  if (slot < 0)
    slot += RECEIVERS;
  return bpf_msg_redirect_map(msg, &receivers, slot, BPF_F_INGRESS);
}

LICENSE;
