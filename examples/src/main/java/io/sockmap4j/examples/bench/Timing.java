package io.sockmap4j.examples.bench;

/** How long each run warms up and then measures. */
record Timing(long warmupMillis, long measureMillis) {}
