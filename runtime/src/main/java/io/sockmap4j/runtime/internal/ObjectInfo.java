package io.sockmap4j.runtime.internal;

/**
 * The head of {@code struct bpf_prog_info} or {@code struct bpf_map_info}: both start with {@code
 * u32 type; u32 id;} and carry the object's name.
 */
public record ObjectInfo(int type, int id, String name) {}
