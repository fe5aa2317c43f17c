package io.sockmap4j.examples.balancer;

import java.net.InetSocketAddress;

/**
 * What the kernel counted for one backend, summed over every CPU, and what Java knows about its
 * connection.
 *
 * @param slot the backend's rotation slot (its index in the {@code backends} SOCKMAP)
 * @param address where the backend listens
 * @param records records the verdict sent to it
 * @param bytes bytes of those records
 * @param dropped records due to it that were dropped because its connection was gone
 * @param acknowledged bytes the backend's TCP stack has acknowledged (-1 once closed)
 * @param connected whether its connection is still open
 */
public record BackendStats(
    int slot,
    InetSocketAddress address,
    long records,
    long bytes,
    long dropped,
    long acknowledged,
    boolean connected) {

  @Override
  public String toString() {
    return String.format(
        "backend %d %s: %d records, %d bytes, %d dropped%s",
        slot, address, records, bytes, dropped, connected ? "" : " (disconnected)");
  }
}
