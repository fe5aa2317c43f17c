package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a TCP socket-operations program: {@code static void name(SockOpsContext ops)}.
 *
 * <p>Compiles to a {@code BPF_PROG_TYPE_SOCK_OPS} program attached as {@code BPF_CGROUP_SOCK_OPS}
 * to a cgroup v2 directory that is chosen when the program is attached ({@code
 * AttachOptions.defaults().cgroup(path)}), not to a map. The kernel runs it at points in the life
 * of every TCP socket created by a process of that cgroup (or of its descendants): {@link
 * SockOpsContext#op()} says which. Its most common use is inserting each connection into a socket
 * map as it is established, with {@code map.update(ops, key)}, so that the map's SK_SKB and SK_MSG
 * programs run on it without any user-space code per connection.
 *
 * <p>The program returns nothing: sockmap4j returns 1 (success) to the kernel, which is the only
 * other value than 0 the verifier accepts; what a callback answers goes through {@link
 * SockOpsContext#setReply(int)}. Needs Linux 4.13 (4.17 for inserting into a SOCKMAP, 4.18 for a
 * SOCKHASH), cgroup v2, {@code CAP_BPF} and {@code CAP_NET_ADMIN}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface SockOps {}
