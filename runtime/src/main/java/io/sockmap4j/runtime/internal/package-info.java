/**
 * The native layer of the runtime: the JNA mapping of libc, one method per {@code bpf()} command,
 * socket options, and reflective access to JDK socket file descriptors.
 *
 * <p>Nothing in this package is API. It is public only so that {@code io.sockmap4j.runtime} can use
 * it; its signatures change without notice. JNA types stay inside this package.
 */
package io.sockmap4j.runtime.internal;
