package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;

/** Maps without programs, for the scenarios about the maps themselves. */
final class SkbPlainMaps {
  private SkbPlainMaps() {}

  @SockMap(maxEntries = 4)
  static SocketMap first;

  @SockMap(maxEntries = 4)
  static SocketMap second;

  @SockHash(maxEntries = 4)
  static SocketHash<Long> third;
}
