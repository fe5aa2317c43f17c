package io.sockmap4j.runtime;

/**
 * What the kernel reports as attached to a map slot, whoever attached it ({@link
 * BpfObject#attachedPrograms}).
 *
 * @param attachType the slot: STREAM_PARSER 4, STREAM_VERDICT 5, SK_MSG_VERDICT 7 or SK_SKB_VERDICT
 *     38
 * @param programId the kernel id of the attached program
 * @param linkId the id of the sockmap link that holds the slot, or 0 for a legacy attachment
 */
public record AttachedProgram(int attachType, int programId, int linkId) {}
