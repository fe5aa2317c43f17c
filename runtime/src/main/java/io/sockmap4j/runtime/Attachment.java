package io.sockmap4j.runtime;

/**
 * How one program of a {@link BpfObject} is attached to its map.
 *
 * @param program the program's name in Java
 * @param map the map's name in Java; for a {@code @SockOps} program, the cgroup directory it is
 *     attached to
 * @param attachType the kernel attach type (STREAM_PARSER 4, STREAM_VERDICT 5, SK_MSG_VERDICT 7,
 *     SK_SKB_VERDICT 38, CGROUP_SOCK_OPS 3)
 * @param mode {@link AttachMode#LINK} or {@link AttachMode#LEGACY}, never {@code AUTO}
 * @param linkId the link's kernel id as {@code bpftool link show} lists it, 0 for legacy
 */
public record Attachment(String program, String map, int attachType, AttachMode mode, int linkId) {}
