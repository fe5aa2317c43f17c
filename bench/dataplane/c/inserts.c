/*
 * The C side of the socket-insert benchmark (bench/dataplane): the same bpf() calls as
 * sockmap4j's SockMapHandle.put, made from C, so that Java's insert rate has a native reference.
 *
 * It builds what io.sockmap4j.examples.bench.InsertTarget builds: a SOCKMAP (4-byte keys,
 * 8-byte values) with an SK_SKB verdict program that returns SK_PASS, attached as
 * BPF_SK_SKB_VERDICT. It connects N loopback TCP pairs and, each round, inserts the N client
 * sockets at indexes 0..N-1 (timed), then deletes them (untimed). Two forms:
 *   "c update+kick": BPF_MAP_UPDATE_ELEM, then getsockopt + setsockopt(SO_RCVLOWAT, 1), which is
 *                    what Java's put does (Sockets.kick);
 *   "c update":      BPF_MAP_UPDATE_ELEM alone.
 * Output: one line per round and form, "<form> <inserts per second>".
 *
 * Usage: inserts N ROUNDS   (root, or CAP_BPF + CAP_NET_ADMIN)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long bpf(int cmd, union bpf_attr *attr) {
    return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static void die(const char *what) {
    fprintf(stderr, "inserts: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int create_map(int entries) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = BPF_MAP_TYPE_SOCKMAP;
    attr.key_size = 4;
    attr.value_size = 8;
    attr.max_entries = entries;
    strncpy(attr.map_name, "sm4jb_c_ins", sizeof(attr.map_name) - 1);
    int fd = bpf(BPF_MAP_CREATE, &attr);
    if (fd < 0) die("BPF_MAP_CREATE SOCKMAP");
    return fd;
}

/* r0 = SK_PASS; exit */
static int load_pass_verdict(void) {
    struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = SK_PASS},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_SK_SKB;
    attr.expected_attach_type = BPF_SK_SKB_VERDICT;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
    attr.license = (uint64_t)(uintptr_t)"GPL";
    strncpy(attr.prog_name, "sm4jb_c_pass", sizeof(attr.prog_name) - 1);
    int fd = bpf(BPF_PROG_LOAD, &attr);
    if (fd < 0) die("BPF_PROG_LOAD SK_SKB");
    return fd;
}

static void attach(int prog, int map) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = map;
    attr.attach_bpf_fd = prog;
    attr.attach_type = BPF_SK_SKB_VERDICT;
    if (bpf(BPF_PROG_ATTACH, &attr) < 0) die("BPF_PROG_ATTACH BPF_SK_SKB_VERDICT");
}

static int update(int map, uint32_t index, uint64_t fd) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = map;
    attr.key = (uint64_t)(uintptr_t)&index;
    attr.value = (uint64_t)(uintptr_t)&fd;
    attr.flags = BPF_ANY;
    return bpf(BPF_MAP_UPDATE_ELEM, &attr);
}

static void delete(int map, uint32_t index) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = map;
    attr.key = (uint64_t)(uintptr_t)&index;
    bpf(BPF_MAP_DELETE_ELEM, &attr);
}

/* What Sockets.kick does: read SO_RCVLOWAT, set it to 1, restore it when it was not 1. */
static void kick(int fd) {
    int lowat, one = 1;
    socklen_t len = sizeof(lowat);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, &len) < 0) die("getsockopt SO_RCVLOWAT");
    if (setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof(one)) < 0)
        die("setsockopt SO_RCVLOWAT");
    if (lowat != 1 && setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)) < 0)
        die("setsockopt SO_RCVLOWAT");
}

static void connect_pairs(int n, int *clients, int *servers) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, len) < 0 ||
        listen(listener, n) < 0 || getsockname(listener, (struct sockaddr *)&addr, &len) < 0)
        die("listen on 127.0.0.1");
    for (int i = 0; i < n; i++) {
        clients[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (clients[i] < 0 || connect(clients[i], (struct sockaddr *)&addr, len) < 0)
            die("connect");
        servers[i] = accept(listener, NULL, NULL);
        if (servers[i] < 0) die("accept");
    }
    close(listener);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKETS ROUNDS\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), rounds = atoi(argv[2]);
    if (n <= 0 || rounds <= 0) {
        fprintf(stderr, "inserts: SOCKETS and ROUNDS must be positive\n");
        return 2;
    }
    int *clients = calloc(n, sizeof(int)), *servers = calloc(n, sizeof(int));
    if (!clients || !servers) die("calloc");
    connect_pairs(n, clients, servers);
    int map = create_map(n);
    int prog = load_pass_verdict();
    attach(prog, map);

    for (int round = -1; round < rounds; round++) { /* round -1 warms caches up */
        for (int kicked = 1; kicked >= 0; kicked--) {
            double start = now();
            for (int i = 0; i < n; i++) {
                if (update(map, i, clients[i]) < 0) die("BPF_MAP_UPDATE_ELEM");
                if (kicked) kick(clients[i]);
            }
            double seconds = now() - start;
            for (int i = 0; i < n; i++) delete(map, i);
            if (round >= 0) printf("%s %.0f\n", kicked ? "c update+kick" : "c update", n / seconds);
        }
    }
    /* closing the map and program fds frees them; the program stays attached until the map goes */
    for (int i = 0; i < n; i++) {
        close(clients[i]);
        close(servers[i]);
    }
    close(prog);
    close(map);
    return 0;
}
