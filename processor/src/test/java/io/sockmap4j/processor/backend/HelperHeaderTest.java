package io.sockmap4j.processor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every {@link Helper} id and name against the kernel's own list in the installed UAPI header. */
class HelperHeaderTest {
  private static final Path HEADER = Path.of("/usr/include/linux/bpf.h");

  @Test
  void everyHelperMatchesTheKernelHeader() throws IOException {
    if (!Files.isReadable(HEADER)) {
      fail(
          HEADER
              + " is missing: install the kernel UAPI headers (Debian/Ubuntu: apt-get install"
              + " linux-libc-dev) so the helper ids can be checked against the kernel");
    }
    Map<String, Integer> kernel =
        KernelHelperTable.parse(Files.readString(HEADER, StandardCharsets.ISO_8859_1));
    assertTrue(kernel.size() > 150, "parsed only " + kernel.size() + " helpers from " + HEADER);

    List<String> mismatches = new ArrayList<>();
    for (Helper helper : Helper.values()) {
      String name = helper.kernelName().substring("bpf_".length());
      Integer id = kernel.get(name);
      if (id == null) {
        mismatches.add(helper + ": the header has no helper named " + name);
      } else if (id != helper.id()) {
        mismatches.add(helper + ": id " + helper.id() + " but the header says " + id);
      }
    }
    assertEquals(List.of(), mismatches);
  }

  @Test
  void kernelNameIsTheCName() {
    assertEquals("bpf_sk_redirect_map", Helper.SK_REDIRECT_MAP.kernelName());
    assertEquals("bpf_map_lookup_elem", Helper.MAP_LOOKUP_ELEM.kernelName());
  }

  @Test
  void idsAreUnique() {
    for (Helper helper : Helper.values()) {
      assertEquals(helper, Helper.ofId(helper.id()).orElseThrow());
    }
  }

  @Test
  void parsesThePositionalListOfHeadersUpTo61() {
    String header =
        """
        /* comment mentioning FN(nothing) */
        #define __BPF_FUNC_MAPPER(FN)\t\t\\
        \tFN(unspec),\t\t\t\\
        \tFN(map_lookup_elem),\t\t\\
        \tFN(map_update_elem),\t\t\\
        \tFN(map_delete_elem),
        #define OTHER FN(not_a_helper)
        """;

    assertEquals(
        Map.of("unspec", 0, "map_lookup_elem", 1, "map_update_elem", 2, "map_delete_elem", 3),
        KernelHelperTable.parse(header));
  }

  @Test
  void parsesTheExplicitIdsOfHeadersFrom62() {
    String header =
        """
        #define ___BPF_FUNC_MAPPER(FN, ctx...)\t\t\\
        \tFN(unspec, 0, ##ctx)\t\t\t\\
        \tFN(map_lookup_elem, 1, ##ctx)\t\t\\
        \tFN(sk_redirect_hash, 72, ##ctx)\t\t\\
        \t/* */
        #define __BPF_FUNC_MAPPER(FN) ___BPF_FUNC_MAPPER(FN)
        """;

    assertEquals(
        Map.of("unspec", 0, "map_lookup_elem", 1, "sk_redirect_hash", 72),
        KernelHelperTable.parse(header));
  }
}
