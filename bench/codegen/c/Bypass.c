/* C twin of examples/src/main/java/io/sockmap4j/examples/bypass/Bypass.java */
#include "bpf_helpers.h"

#define AF_INET 2

struct tuple {
  int local_ip;
  int remote_ip;
  int local_port;
  int remote_port;
};

struct {
  __uint(type, BPF_MAP_TYPE_SOCKHASH);
  __uint(max_entries, 4096);
  __type(key, struct tuple);
  __type(value, __u64);
} sockets SEC(".maps");

SEC("sk_msg")
int shortCircuit(struct sk_msg_md *msg) {
  if (msg->family != AF_INET)
    return SK_PASS;
  struct tuple peer = {
      .local_ip = bpf_ntohl(msg->remote_ip4),
      .remote_ip = bpf_ntohl(msg->local_ip4),
      .local_port = bpf_ntohl(msg->remote_port),
      .remote_port = msg->local_port,
  };
  bpf_msg_redirect_hash(msg, &sockets, &peer, BPF_F_INGRESS);
  return SK_PASS;
}

LICENSE;
