package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Explanations for the ends of logs captured from kernel 6.18. */
class VerifierAdviceTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0: (95) exit\\nR0 !read_ok | without a return value",
        "1: (bf) r0 = r2\\nR2 !read_ok | read before anything was written",
        "1: (61) r0 = *(u32 *)(r2 +0)\\nR2 invalid mem access 'scalar' | valid pointer",
        "1: (71) r0 = *(u8 *)(r2 +0)\\ninvalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)"
            + "\\nR2 offset is outside of the packet | compare data + offset + size with dataEnd",
        "0: (7a) *(u64 *)(r10 -520) = 0\\ninvalid write to stack R10 off=-520 size=8 | 512 bytes",
        "unreachable insn 2 | refuses dead code",
        "back-edge from insn 3 to 1 | cannot prove to terminate",
        "1: (07) r1 += 1\\nBPF program is too large. Processed 1000001 insn | 1,000,000 instructions",
        "0: (85) call unknown#9999\\ninvalid func unknown#9999 | kernel is older than the helper",
        "4: (85) call bpf_skb_load_bytes#26\\nprogram of this type cannot use helper"
            + " bpf_skb_load_bytes#26 | its program type may not call",
        "4: (85) call bpf_sk_redirect_hash#72\\ncannot pass map_type 15 into func"
            + " bpf_sk_redirect_hash#72 | (map type 15): the *_map redirect helpers take a SOCKMAP",
        "0: (62) *(u32 *)(r1 +0) = 0\\ninvalid bpf_context access off=0 size=4 | field offset 0",
        "7: (95) exit\\nUnreleased reference id=2 alloc_insn=5\\nBPF_EXIT instruction in main prog"
            + " would lead to reference leak | sk_release",
        "4: (85) call bpf_sk_redirect_hash#72\\nR3 type=scalar expected=fp, pkt | wrong kind of value",
        "R1 min value is negative, either use unsigned index or do a if (index >=0) check."
            + " | 0 <= index",
      })
  void explainsTheCommonErrors(String logTail, String expected) {
    String explanation = VerifierAdvice.explain(new VerifierLog(logTail.replace("\\n", "\n")));
    assertTrue(explanation.contains(expected), explanation);
  }

  @Test
  void anUnknownErrorHasNoExplanation() {
    assertEquals("", VerifierAdvice.explain(new VerifierLog("0: (95) exit\nsomething new\n")));
    assertEquals("", VerifierAdvice.explain(new VerifierLog("")));
  }
}
