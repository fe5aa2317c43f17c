/**
 * The sockmap4j vocabulary: annotate a class's static fields with {@link io.sockmap4j.SockMap} or
 * {@link io.sockmap4j.SockHash} to declare socket maps, and its static methods with {@link
 * io.sockmap4j.SkSkbParser}, {@link io.sockmap4j.SkSkbVerdict} or {@link io.sockmap4j.SkMsgVerdict}
 * to write eBPF programs in Java. The sockmap4j annotation processor compiles those methods to eBPF
 * and generates a {@code <Class>Loader} that loads them.
 */
package io.sockmap4j;
