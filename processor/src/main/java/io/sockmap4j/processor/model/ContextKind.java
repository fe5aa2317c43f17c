package io.sockmap4j.processor.model;

/** The context a program receives in r1, and the Java type that stands for it. */
public enum ContextKind {
  /** {@code struct __sk_buff}. */
  SK_BUFF("io.sockmap4j.SkBuff", "skb"),
  /** {@code struct sk_msg_md}. */
  SK_MSG("io.sockmap4j.SkMsg", "msg"),
  /** {@code struct bpf_sock_ops}. */
  SOCK_OPS("io.sockmap4j.SockOpsContext", "ops");

  private final String javaType;
  private final String parameterName;

  ContextKind(String javaType, String parameterName) {
    this.javaType = javaType;
    this.parameterName = parameterName;
  }

  public String javaType() {
    return javaType;
  }

  /** The parameter name the documentation uses, for signatures in messages. */
  public String parameterName() {
    return parameterName;
  }

  public String simpleName() {
    return javaType.substring(javaType.lastIndexOf('.') + 1);
  }
}
