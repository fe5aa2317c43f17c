/* C twin of bench/codegen/java/io/sockmap4j/bench/MsgTuple.java */
#include "bpf_helpers.h"

struct tuple4 {
  int src_ip;
  int dst_ip;
  short src_port;
  short dst_port;
};

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 4096);
  __type(key, struct tuple4);
  __type(value, __u64);
} conns SEC(".maps");

SEC("sk_msg")
int redirect(struct sk_msg_md *msg) {
  struct tuple4 key = {
      .src_ip = bpf_ntohl(msg->local_ip4),
      .dst_ip = bpf_ntohl(msg->remote_ip4),
      .src_port = (short)msg->local_port,
      .dst_port = (short)bpf_ntohl(msg->remote_port),
  };
  return bpf_msg_redirect_hash(msg, &conns, &key, BPF_F_INGRESS);
}

LICENSE;
